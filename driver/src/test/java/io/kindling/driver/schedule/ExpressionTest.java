package io.kindling.driver.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ExpressionTest {
    @Test
    void evaluatesArithmeticOfEpoch() {
        assertEquals(Math.pow(0.95, 3), Expression.parse("0.95^epoch").valueAt(3), 1e-15);
        assertEquals(Math.pow(0.95, 3), Expression.parse("0.95 ** epoch").valueAt(3), 1e-15);
        assertEquals(-7.5, Expression.parse("-(1 + 2 * epoch) / 2").valueAt(7), 1e-15);
        assertEquals(Math.pow(2, 9), Expression.parse("2^3^2").valueAt(0), 1e-15, "power is right-associative");
        assertEquals(0.5, Expression.parse("max(0.5, 1 - epoch / 10)").valueAt(8), 1e-15);
        assertEquals(Math.exp(-0.1 * 4), Expression.parse("exp(-1e-1 * epoch)").valueAt(4), 1e-15);
        assertEquals(1, Expression.parse("floor(epoch / 3)").valueAt(5), 0);
    }

    @Test
    void mistakesAreReportedWithTheirPosition() {
        assertEquals("--lr-lambda '0.95^epok': unknown name 'epok', expected epoch, a number or a function (exp, log,"
                        + " sqrt, sin, cos, abs, floor, ceil, min, max, pow) at position 6",
                assertThrows(IllegalArgumentException.class, () -> Expression.parse("0.95^epok")).getMessage());
        assertEquals("--lr-lambda '(epoch + 1': expected ')' at position 11",
                assertThrows(IllegalArgumentException.class, () -> Expression.parse("(epoch + 1")).getMessage());
        assertEquals("--lr-lambda 'min(epoch)': min takes 2 arguments, got 1 at position 11",
                assertThrows(IllegalArgumentException.class, () -> Expression.parse("min(epoch)")).getMessage());
    }
}
