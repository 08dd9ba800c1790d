package io.kindling.driver.job;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * How `--dataset table` reads its rows (the label column, regression, image size and the CSV header
 * are the data spec's, shared with the other sources).
 *
 * @param format     the Spark SQL source of the training and test URIs: parquet, orc, json, csv, ...
 * @param table      the training rows from this catalog table instead of files; null for files
 * @param testTable  the test rows from this catalog table; null for `--test-data` or none
 * @param where      a SQL condition rows must meet, training and test; null for all
 * @param features   the feature columns; empty for all but the label
 * @param inputShape CxHxW of images stored as one array column; null otherwise
 */
public record TableSpec(String format, String table, String testTable, String where, List<String> features,
                        String inputShape) implements Serializable {
    public static final TableSpec DEFAULT = new TableSpec("parquet", null, null, null, List.of(), null);

    public TableSpec {
        format = format == null ? DEFAULT.format : format;
        features = features == null ? List.of() : List.copyOf(features);
    }

    /** The channels, height and width of `--input-shape`, or null. */
    public int[] shape() {
        if (inputShape == null) {
            return null;
        }
        String[] parts = inputShape.toLowerCase(Locale.ROOT).split("x");
        return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
    }
}
