package io.kindling.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InProcessExchangeTest {
    @Test
    void valuesAreSharedTakenAndRemovedByRound() {
        InProcessExchange.put("t/1", "state");
        InProcessExchange.put("t/1/0", 10);
        InProcessExchange.put("t/1/1", 11);
        InProcessExchange.put("t/10", "another round");
        assertEquals("state", InProcessExchange.get("t/1", String.class));
        assertEquals("state", InProcessExchange.get("t/1", String.class), "get leaves it for other tasks");
        assertEquals(10, InProcessExchange.take("t/1/0", Integer.class));
        IllegalStateException gone = assertThrows(IllegalStateException.class,
                () -> InProcessExchange.take("t/1/0", Integer.class));
        assertTrue(gone.getMessage().contains("'t/1/0'") && gone.getMessage().contains("spark.kindling.inProcessRounds"),
                gone.getMessage());

        InProcessExchange.removeAll("t/1");
        assertThrows(IllegalStateException.class, () -> InProcessExchange.get("t/1/1", Integer.class));
        assertEquals("another round", InProcessExchange.take("t/10", String.class), "only t/1 and below removed");
    }
}
