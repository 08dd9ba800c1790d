package io.kindling.driver.predict;

import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.HadoopFiles;
import io.kindling.datasets.table.TableQuery;
import io.kindling.driver.checkpoint.ModelWriter;
import io.kindling.driver.data.NewOutput;
import io.kindling.ml.KindlingClassificationModel;
import io.kindling.ml.KindlingModel;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * `kindling predict` on tables: the rows scored on Spark by the model's distributed {@code transform}
 * (the Spark ML model's), written as Parquet or CSV to a new location, complete or not at all. Every
 * input column but the features is kept; then the predicted class, its probability and each class's
 * ({@code p_CLASS}), as the local predict prints them; a regression adds {@code prediction}.
 */
public final class TablePredictions {
    /** The assembled numeric features, while the rows are scored. */
    private static final String ASSEMBLED = "__kindling_features";

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
        for (String uri : inputs) {
            TableQuery query = TableQuery.files(format, uri, null, header);
            bytes += HadoopFiles.totalSize(query.inputFiles(query.read(spark)), conf);
        }
        if (bytes > 0) {
            session.conf().set("spark.sql.files.maxPartitionBytes", Math.max(1L << 20, bytes / Math.max(1, slots)));
        }
        Dataset<Row> rows = null;
        for (String uri : inputs) {
            Dataset<Row> part = TableQuery.files(format, uri, null, header).read(session);
            rows = rows == null ? part : rows.unionByName(part);
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
        KindlingModel<?> model = KindlingModel.of(net, metadata).setTestBatchSize(batchSize);
        Dataset<Row> input = rows;
        if (features.size() == 1) {
            model.setFeaturesCol(features.get(0));
        } else {
            input = rows.withColumn(ASSEMBLED, functions.array(features.stream()
                    .map(c -> functions.col(c).cast("double")).toArray(Column[]::new)));
            model.setFeaturesCol(ASSEMBLED);
        }
        List<Column> out = new ArrayList<>();
        for (String c : columns) {
            if (!features.contains(c)) {
                out.add(functions.col(c));
            }
        }
        DatasetInfo data = metadata.data();
        if (data.isRegression()) {
            out.add(functions.col("prediction"));
            return model.setPredictionCol("prediction").transform(input).select(out.toArray(new Column[0]));
        }
        KindlingClassificationModel classifier = (KindlingClassificationModel) model;
        classifier.setPredictionCol("").setRawPredictionCol("").setProbabilityCol("__kindling_probability");
        Column p = org.apache.spark.ml.functions.vector_to_array(functions.col("__kindling_probability"), "float64");
        Column[] named = new Column[2 * data.numClasses()];
        for (int c = 0; c < data.numClasses(); c++) {
            named[2 * c] = functions.lit(c + 1);
            named[2 * c + 1] = functions.lit(data.classes().get(c));
        }
        Column best = functions.array_position(p, functions.array_max(p));
        out.add(functions.element_at(functions.map(named), best.cast("int")).as("predicted"));
        out.add(functions.array_max(p).as("probability"));
        for (int c = 0; c < data.numClasses(); c++) {
            out.add(functions.element_at(p, c + 1).as("p_" + data.classes().get(c).replaceAll("[^A-Za-z0-9_]", "_")));
        }
        return classifier.transform(input).select(out.toArray(new Column[0]));
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
