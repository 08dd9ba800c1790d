package io.kindling.driver.predict;

import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.HadoopFiles;
import io.kindling.datasets.table.TableQuery;
import io.kindling.driver.checkpoint.ModelWriter;
import io.kindling.driver.data.NewOutput;
import io.kindling.worker.score.RowScorer;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * `kindling predict` on tables: the rows scored on Spark as the Spark ML models' {@code transform} scores
 * them ({@link DistributedScoring}), written as Parquet or CSV to a new location, complete or not at all. Every
 * input column but the features is kept; then the predicted class, its probability and each class's
 * ({@code p_CLASS}), as the local predict prints them; a regression adds {@code prediction}.
 */
public final class TablePredictions {
    private final MultiLayerNetwork net;
    private final ModelWriter.Metadata metadata;
    private final int batchSize;

    public TablePredictions(MultiLayerNetwork net, ModelWriter.Metadata metadata, int batchSize) {
        this.net = net;
        this.metadata = metadata;
        this.batchSize = batchSize;
    }

    /**
     * The rows of {@code table} (a catalog table) or else of the files {@code inputs} of {@code format},
     * the files split over at least {@code slots} tasks: a session of its own sets the split size, as
     * training's scans do.
     */
    public static Dataset<Row> read(String table, List<String> inputs, String format, boolean header, int slots,
                                    Configuration conf) {
        SparkSession spark = SparkSession.builder().getOrCreate();
        if (table != null) {
            return TableQuery.catalog(table, null).read(spark);
        }
        SparkSession session = spark.newSession();
        long bytes = 0;
        Dataset<Row> rows = null;
        for (String uri : inputs) {
            TableQuery query = TableQuery.files(format, uri, null, header);
            Dataset<Row> part = query.read(session);
            long size = HadoopFiles.totalSize(query.inputFiles(part), conf);
            bytes = bytes < 0 || size < 0 ? -1 : bytes + size;
            rows = rows == null ? part : rows.unionByName(part);
        }
        // Read when the scan is planned, at the first action: after this, though the frames exist already.
        if (bytes > 0) {
            session.conf().set("spark.sql.files.maxPartitionBytes", Math.max(1L << 20, bytes / Math.max(1, slots)));
        }
        return rows;
    }

    /** Scores {@code rows} and writes them to {@code output}; returns how many rows were written. */
    public long write(Dataset<Row> rows, String output, String outputFormat, JavaSparkContext sc) {
        Dataset<Row> predicted = predict(rows);
        long[] count = new long[1];
        NewOutput.write(output, sc.hadoopConfiguration(), partial -> {
            predicted.write().format(outputFormat).option("header", true).save(partial.toString());
            count[0] = SparkSession.builder().getOrCreate().read().format(outputFormat).option("header", true)
                    .load(partial.toString()).count();
        });
        return count[0];
    }

    /** The scored rows: the input's other columns, then the predictions. */
    Dataset<Row> predict(Dataset<Row> rows) {
        List<String> columns = List.of(rows.columns());
        List<String> features = features(columns);
        DatasetInfo data = metadata.data();
        StructType schema = rows.schema();
        RowScorer.Output output;
        List<String> added = new ArrayList<>();
        if (data.isRegression()) {
            schema = schema.add("prediction", DataTypes.DoubleType, false);
            added.add("prediction");
            output = (row, p) -> append(row, (double) p[0]);
        } else {
            List<String> classes = List.copyOf(data.classes());
            schema = schema.add("predicted", DataTypes.StringType, false).add("probability", DataTypes.DoubleType,
                    false);
            added.addAll(List.of("predicted", "probability"));
            for (String c : classes) {
                String name = "p_" + c.replaceAll("[^A-Za-z0-9_]", "_");
                schema = schema.add(name, DataTypes.DoubleType, false);
                added.add(name);
            }
            output = (row, p) -> {
                Object[] values = new Object[2 + p.length];
                int best = 0;
                for (int c = 0; c < p.length; c++) {
                    values[2 + c] = (double) p[c];
                    best = p[c] > p[best] ? c : best;
                }
                values[0] = classes.get(best);
                values[1] = (double) p[best];
                return append(row, values);
            };
        }
        List<Column> out = new ArrayList<>();
        for (String c : columns) {
            if (!features.contains(c)) {
                out.add(functions.col("`" + c + "`"));
            }
        }
        added.forEach(c -> out.add(functions.col(c)));
        return new DistributedScoring(net, metadata).score(rows, features, "--features", batchSize, output, schema)
                .select(out.toArray(new Column[0]));
    }

    /** {@code row}'s values followed by {@code more}. */
    private static Row append(Row row, Object... more) {
        Object[] values = new Object[row.length() + more.length];
        for (int i = 0; i < row.length(); i++) {
            values[i] = row.get(i);
        }
        System.arraycopy(more, 0, values, row.length(), more.length);
        return RowFactory.create(values);
    }

    /** The model's feature columns: those it was trained on, or every column but its label. */
    private List<String> features(List<String> columns) {
        List<String> trained = metadata.dataset().table().features();
        if (!trained.isEmpty()) {
            return trained;
        }
        String label = metadata.dataset().labelColumn() != null && columns.contains(metadata.dataset().labelColumn())
                ? metadata.dataset().labelColumn() : "label";
        return columns.stream().filter(c -> !c.equals(label)).toList();
    }
}
