package io.kindling.datasets.csv;

import java.io.Serializable;

/**
 * How to read a CSV dataset.
 *
 * @param header      the first line of every file names the columns
 * @param labelColumn the label's column: its name (with a header), or its 0-based index (negative
 *                    counts from the end); null means the last column
 * @param delimiter   the field separator
 * @param regression  the label is a number to predict, not a class
 * @param skipRows    lines skipped at the start of every file, before the header (a preamble)
 */
public record CsvOptions(boolean header, String labelColumn, char delimiter, boolean regression, int skipRows)
        implements Serializable {
    public static final CsvOptions DEFAULT = new CsvOptions(true, null, ',', false, 0);

    public CsvOptions(boolean header, String labelColumn, char delimiter, boolean regression) {
        this(header, labelColumn, delimiter, regression, 0);
    }
}
