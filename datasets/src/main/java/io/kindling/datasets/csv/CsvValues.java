package io.kindling.datasets.csv;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * How CSV fields read as numbers and labels. A number is a plain decimal, as CSV writers write them
 * ({@code -1.5}, {@code 2e-3}): Java's own forms ({@code 0x1p3}, {@code 1.5f}, {@code NaN},
 * {@code Infinity}) are not numbers here, and a number must be finite. A label that is a number is
 * written in one form, so {@code 1}, {@code 1.0} and {@code 1e0} are one class.
 */
public final class CsvValues {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private CsvValues() {
    }

    /** The field as a finite float, or null when it is not a plain decimal number that fits one. */
    public static Float number(String field) {
        String s = field.strip();
        if (!DECIMAL.matcher(s).matches()) {
            return null;
        }
        float value = Float.parseFloat(s);
        return Float.isFinite(value) ? value : null;
    }

    /** The class name of a label field: numbers in one canonical form (whole ones without a fraction). */
    public static String label(String field) {
        String s = field.strip();
        if (!DECIMAL.matcher(s).matches()) {
            return s;
        }
        BigDecimal d = new BigDecimal(s).stripTrailingZeros();
        return d.scale() <= 0 ? d.toBigInteger().toString() : d.toPlainString();
    }
}
