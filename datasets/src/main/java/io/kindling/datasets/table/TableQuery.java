package io.kindling.datasets.table;

import io.kindling.datasets.DatasetFormatException;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Where a table's rows come from: files of a Spark SQL source ({@code format} and URIs) or a table of
 * the session catalog, with an optional SQL filter. Only this description travels; the DataFrame is
 * planned again on the driver wherever it is needed.
 *
 * @param format the Spark SQL source of {@code uri}: parquet, orc, json, csv, avro, delta, ...
 * @param uri    the files or directory, any Hadoop FileSystem URI; null when {@code table} names a table
 * @param table  a table of the session catalog (a Hive metastore where configured); null for files
 * @param where  a SQL condition rows must meet; null for all rows
 * @param header csv only: whether the first line names the columns
 */
public record TableQuery(String format, String uri, String table, String where, boolean header)
        implements Serializable {

    public static TableQuery files(String format, String uri, String where, boolean header) {
        return new TableQuery(format, uri, null, where, header);
    }

    public static TableQuery catalog(String table, String where) {
        return new TableQuery(null, null, table, where, true);
    }

    /** The option that named the rows, for messages: {@code --train-data URI} or {@code --table NAME}. */
    public String origin() {
        return table != null ? "table " + table : uri;
    }

    /** A short name for logs: {@code table/NAME} or {@code table/<last path element>}. */
    public String name() {
        if (table != null) {
            return "table/" + table;
        }
        String trimmed = uri.replaceAll("/+$", "");
        return "table/" + trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }

    /** The rows as Spark SQL plans them (its own partitioning of the files). Driver-side. */
    public Dataset<Row> read(SparkSession spark) {
        Dataset<Row> frame;
        try {
            if (table != null) {
                frame = spark.table(table);
            } else {
                frame = spark.read().format(format).option("header", header).option("inferSchema", true).load(uri);
            }
        } catch (Exception e) { // Spark's AnalysisException is a checked exception to Java
            throw new DatasetFormatException(origin() + ": cannot be read as "
                    + (table != null ? "a catalog table" : "--format " + format) + ": " + firstLine(e), e);
        }
        if (where == null || where.isBlank()) {
            return frame;
        }
        try {
            return frame.where(where);
        } catch (Exception e) {
            throw new IllegalArgumentException("--where " + where + ": " + firstLine(e), e);
        }
    }

    /** The files Spark reads, for sizes; empty when the source does not say. */
    public List<String> inputFiles(Dataset<Row> frame) {
        try {
            return List.of(frame.inputFiles());
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
