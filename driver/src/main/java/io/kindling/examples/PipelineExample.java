package io.kindling.examples;

import io.kindling.ml.KindlingClassifier;
import java.util.Arrays;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Kindling in a Spark ML pipeline, as the README shows it: CSV files with numeric feature columns and a
 * label column; {@code StringIndexer → VectorAssembler → StandardScaler → KindlingClassifier}; the test
 * accuracy; the fitted pipeline saved where asked.
 * <pre>
 * spark-submit --class io.kindling.examples.PipelineExample kindling-driver-VERSION-job-spark4.2.jar \
 *     train.csv test.csv species [model-dir]
 * </pre>
 */
public final class PipelineExample {
    private PipelineExample() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: PipelineExample TRAIN_CSV TEST_CSV LABEL_COLUMN [MODEL_DIR]");
            System.exit(2);
        }
        SparkSession spark = SparkSession.builder().appName("kindling pipeline example").getOrCreate();
        try {
            run(spark, args[0], args[1], args[2], args.length > 3 ? args[3] : null);
        } finally {
            spark.stop();
        }
    }

    /** Fits the pipeline, prints the test accuracy and returns it; saves the fitted pipeline to {@code modelDir}. */
    public static double run(SparkSession spark, String trainCsv, String testCsv, String label, String modelDir)
            throws Exception {
        Dataset<Row> train = spark.read().option("header", true).option("inferSchema", true).csv(trainCsv);
        Dataset<Row> test = spark.read().option("header", true).option("inferSchema", true).csv(testCsv);
        String[] features = Arrays.stream(train.columns()).filter(c -> !c.equals(label)).toArray(String[]::new);

        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
            new StringIndexer().setInputCol(label).setOutputCol("label"),
            new VectorAssembler().setInputCols(features).setOutputCol("raw"),
            new StandardScaler().setInputCol("raw").setOutputCol("features"),
            new KindlingClassifier().setModel("mlp").setHidden(32).setOptimizer("adam").setLr(0.01).setEpochs(5)
                    .setBatchSize(32)
        });
        PipelineModel model = pipeline.fit(train);

        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
                .evaluate(model.transform(test));
        System.out.printf("Test accuracy: %.4f%n", accuracy);
        if (modelDir != null) {
            model.write().overwrite().save(modelDir);
            System.out.println("Saved the fitted pipeline to " + modelDir);
        }
        return accuracy;
    }
}
