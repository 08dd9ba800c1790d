package io.kindling.driver.predict;

import io.kindling.datasets.BadRecords;
import io.kindling.datasets.DatasetFormatException;
import io.kindling.datasets.csv.CsvValues;
import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.Example;
import io.kindling.datasets.csv.CsvSource;
import io.kindling.datasets.images.ImageFolderSource;
import io.kindling.datasets.table.TableOptions;
import io.kindling.datasets.table.TableQuery;
import io.kindling.datasets.table.TableSource;
import io.kindling.driver.job.DataSpec;
import io.kindling.driver.job.TableSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * The inputs of {@code kindling predict}, read one at a time: for a model of images, image files
 * (folders are searched recursively, in sorted order), decoded and resized as in training; for a
 * model of tabular data, the rows of CSV files, read with the training job's header and delimiter.
 * A row holds the features alone, or the features and the label column, which is then ignored. For a
 * model trained on a table, tables of its format with its feature columns.
 */
public final class PredictionInputs {
    private final DatasetInfo info;
    private final DataSpec csv;
    private final Configuration conf;

    /**
     * @param info the example shape the model trained on
     * @param csv  the training job's data options (header, delimiter, label column)
     */
    public PredictionInputs(DatasetInfo info, DataSpec csv, Configuration conf) {
        this.info = info;
        this.csv = csv;
        this.conf = conf;
    }

    /** Calls {@code each} with a name (the file, or file:line) and an example for every input. */
    public void forEach(List<String> uris, BiConsumer<String, Example> each) {
        if ("table".equals(csv.dataset())) {
            tables(uris, each);
            return;
        }
        for (String uri : uris) {
            for (String file : files(uri)) {
                if (info.isImage()) {
                    each.accept(file, Example.image(0, 0,
                            ImageFolderSource.load(file, conf, info.height(), info.width(), info.channels())));
                } else {
                    rows(file, each);
                }
            }
        }
    }

    /**
     * Tables of the model's format (Parquet, ORC, ...) through a local Spark session, in their order, with
     * the training job's feature columns; a label column, if any, is ignored.
     */
    private void tables(List<String> uris, BiConsumer<String, Example> each) {
        // A caller's session (Kindling used from Spark code) is left running.
        boolean owned = !running(SparkSession.getActiveSession()) && !running(SparkSession.getDefaultSession());
        SparkSession spark = SparkSession.builder().master("local[*]").appName("kindling predict")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            TableSpec t = csv.table();
            TableOptions options = new TableOptions(t.features(), csv.labelColumn(), csv.regression(), t.shape(),
                    info.height(), info.width(), info.isImage() && info.channels() == 1);
            for (String uri : uris) {
                TableSource source = TableSource.openUnlabelled(TableQuery.files(t.format(), uri, null,
                        csv.csvHeader()), options, conf);
                if (source.info().features() != info.features()) {
                    throw new DatasetFormatException(uri + ": " + source.info().shape() + " features, expected the"
                            + " model's " + info.shape());
                }
                Iterator<Tuple2<String, Example>> rows = source.named(sc, 1, BadRecords.failing()).toLocalIterator();
                rows.forEachRemaining(r -> each.accept(r._1(), r._2()));
            }
        } finally {
            if (owned) {
                spark.stop();
            }
        }
    }

    /** Whether a session is there and its context not stopped (Spark 3.5 keeps stopped ones as the default). */
    private static boolean running(scala.Option<SparkSession> session) {
        return session.isDefined() && !session.get().sparkContext().isStopped();
    }

    private List<String> files(String uri) {
        try {
            Path path = new Path(uri);
            FileSystem fs = path.getFileSystem(conf);
            if (!fs.exists(path)) {
                throw new IllegalArgumentException(uri + ": no such file or directory");
            }
            FileStatus status = fs.getFileStatus(path);
            if (status.isFile()) {
                return List.of(status.getPath().toString());
            }
            List<String> files = new ArrayList<>();
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(path, true);
            while (it.hasNext()) {
                String name = it.next().getPath().toString();
                boolean wanted = info.isImage() ? ImageFolderSource.isImage(name) : !hidden(name);
                if (wanted) {
                    files.add(name);
                }
            }
            files.sort(null);
            if (files.isEmpty()) {
                throw new IllegalArgumentException(uri + ": no " + (info.isImage() ? "images" : "files") + " in it");
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(uri + ": " + e.getMessage(), e);
        }
    }

    private static boolean hidden(String file) {
        String name = new Path(file).getName();
        return name.startsWith(".") || name.startsWith("_");
    }

    private void rows(String file, BiConsumer<String, Example> each) {
        Path path = new Path(file);
        char delimiter = csv.delimiter().charAt(0);
        int features = info.features();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(path.getFileSystem(conf).open(path),
                StandardCharsets.UTF_8))) {
            String[] header = null;
            int lineNumber = 0;
            for (String line; (line = in.readLine()) != null; ) {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (lineNumber <= csv.skipRows() || line.isBlank()) {
                    continue;
                }
                String where = file + ", line " + lineNumber;
                String[] fields = CsvSource.split(line, delimiter, where);
                if (csv.csvHeader() && header == null) {
                    header = fields;
                    continue;
                }
                int skip = labelColumn(fields.length, features, header, where);
                float[] values = new float[features];
                for (int i = 0, v = 0; i < fields.length; i++) {
                    if (i != skip) {
                        values[v++] = number(fields[i], where, i);
                    }
                }
                each.accept(file + ":" + lineNumber, Example.numeric(0, 0, values));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The column to ignore: -1 when the row holds the features alone, else the training label's column. */
    private int labelColumn(int columns, int features, String[] header, String where) {
        if (columns == features) {
            return -1;
        }
        if (columns != features + 1) {
            throw new DatasetFormatException(where + ": " + columns + " columns, expected the model's " + features
                    + " features (or " + (features + 1) + " with the label column)");
        }
        String label = csv.labelColumn();
        if (label == null) {
            return columns - 1;
        }
        if (label.matches("-?\\d+")) {
            int index = Integer.parseInt(label);
            return index < 0 ? columns + index : index;
        }
        for (int i = 0; header != null && i < header.length; i++) {
            if (header[i].equals(label)) {
                return i;
            }
        }
        throw new DatasetFormatException(where + ": no column '" + label + "' (the label column) in the header");
    }

    private static float number(String field, String where, int column) {
        Float value = CsvValues.number(field);
        if (value == null) {
            throw new DatasetFormatException(where + ": column " + column + ": '" + field + "' is not a finite decimal"
                    + " number");
        }
        return value;
    }
}
