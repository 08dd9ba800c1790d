package io.kindling.driver.predict;

import io.kindling.datasets.table.FeatureColumns;
import io.kindling.datasets.transform.Pipeline;
import io.kindling.driver.checkpoint.ModelWriter;
import io.kindling.driver.train.ThreadBudget;
import io.kindling.worker.FlatModel;
import io.kindling.worker.WorkerConfig;
import io.kindling.worker.score.RowScorer;
import io.kindling.worker.score.ScoringModel;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A trained network scoring a DataFrame where its rows live: the model (configuration, parameters,
 * example shape, transforms) is broadcast once, and every partition is scored on its executor in
 * minibatches ({@link RowScorer}), streaming, so memory does not grow with the table. The Spark ML
 * models' {@code transform} and {@code kindling predict} on tables both score through here; they differ
 * only in the columns they make of each row's output.
 */
public final class DistributedScoring {
    private final MultiLayerNetwork net;
    private final ModelWriter.Metadata metadata;

    public DistributedScoring(MultiLayerNetwork net, ModelWriter.Metadata metadata) {
        this.net = net;
        this.metadata = metadata;
    }

    /**
     * The rows of {@code rows} as {@code output} makes them, of schema {@code schema}, scored on the
     * features in {@code features} ({@code option} names the setting that chose them, for errors).
     */
    public Dataset<Row> score(Dataset<?> rows, List<String> features, String option, int batchSize,
                              RowScorer.Output output, StructType schema) {
        SparkSession spark = rows.sparkSession();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        FeatureColumns columns = FeatureColumns.of(rows.schema(), features, metadata.data(), option, "the DataFrame");
        JavaRDD<Row> input = rows.toDF().javaRDD();
        WorkerConfig config = new WorkerConfig(net.getLayerWiseConfigurations().toJson(), 1, 1, metadata.data(),
                Pipeline.parse(metadata.transforms()), 0, ThreadBudget.perTask(sc, input.getNumPartitions()), false,
                0);
        Broadcast<ScoringModel> model = sc.broadcast(new ScoringModel(config, FlatModel.params(net)));
        RowScorer scorer = new RowScorer(columns, batchSize, output);
        return spark.createDataFrame(input.mapPartitionsWithIndex((p, it) -> scorer.score(model.value(), p, it), true),
                schema);
    }
}
