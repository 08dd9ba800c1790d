package io.kindling.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.testing.LocalSpark;
import io.kindling.driver.CsvBlobs;
import io.kindling.driver.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark ML estimator and model on Spark local[2]: pipelines, persistence, tuning, schema errors. */
class KindlingClassifierTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void spark() {
        LocalSpark.context();
    }

    private static SparkSession session() {
        return SparkSession.builder().getOrCreate();
    }

    /** The CSV blobs (three classes named by strings, four numeric features). */
    private Dataset<Row> blobs(String name, int rows, long seed) throws IOException {
        Path csv = tmp.resolve(name + ".csv");
        CsvBlobs.write(csv, rows, seed);
        return session().read().option("header", true).option("inferSchema", true).csv(csv.toString());
    }

    private static KindlingClassifier classifier() {
        return new KindlingClassifier().setHidden(16).setOptimizer("adam").setLr(0.01).setEpochs(3).setWorkers(2)
                .setBatchSize(32);
    }

    private static Pipeline pipeline(KindlingClassifier classifier) {
        return new Pipeline().setStages(new PipelineStage[] {
            new StringIndexer().setInputCol("species").setOutputCol("label"),
            new VectorAssembler().setInputCols(new String[] {"f1", "f2", "f3", "f4"}).setOutputCol("raw"),
            new StandardScaler().setInputCol("raw").setOutputCol("features"),
            classifier});
    }

    @Test
    void aFittedPipelineSavedAndLoadedPredictsIdentically() throws IOException {
        Dataset<Row> train = blobs("train", 600, 1);
        Dataset<Row> test = blobs("test", 150, 2);

        PipelineModel fitted = pipeline(classifier()).fit(train);
        Dataset<Row> predicted = fitted.transform(test);
        String dir = tmp.resolve("pipeline").toUri().toString();
        fitted.write().overwrite().save(dir);
        PipelineModel loaded = PipelineModel.load(dir);
        Dataset<Row> again = loaded.transform(test);

        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predicted);
        assertTrue(accuracy > 0.9, "accuracy " + accuracy + " (chance 0.33)");
        List<Row> before = predicted.select("prediction", "probability", "rawPrediction").collectAsList();
        List<Row> after = again.select("prediction", "probability", "rawPrediction").collectAsList();
        assertEquals(150, before.size());
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i).getDouble(0), after.get(i).getDouble(0));
            assertArrayEquals(((Vector) before.get(i).get(1)).toArray(), ((Vector) after.get(i).get(1)).toArray());
            assertArrayEquals(((Vector) before.get(i).get(2)).toArray(), ((Vector) after.get(i).get(2)).toArray());
        }
        Transformer last = loaded.stages()[3];
        KindlingClassificationModel model = assertInstanceOf(KindlingClassificationModel.class, last);
        assertEquals(List.of("0", "1", "2"), model.classes());
        assertEquals(3, ((Vector) before.get(0).get(1)).size());
    }

    @Test
    void aModelWhoseZipWasChangedIsRefused() throws IOException {
        Dataset<Row> data = new StandardScaler().setInputCol("raw").setOutputCol("features")
                .fit(assembled(blobs("train", 200, 1))).transform(assembled(blobs("train", 200, 1)));
        KindlingClassificationModel model = classifier().setEpochs(1).fit(data);
        Path dir = tmp.resolve("model");
        model.write().save(dir.toString());
        KindlingClassificationModel loaded = KindlingClassificationModel.load(dir.toString());
        assertEquals(model.uid(), loaded.uid());

        byte[] zip = Files.readAllBytes(dir.resolve("model.zip"));
        zip[zip.length / 2] ^= 1;
        Files.write(dir.resolve("model.zip"), zip);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KindlingClassificationModel.load(dir.toString()));
        assertTrue(e.getMessage().contains("model.zip: its SHA-256 is not the one metadata/part-00000 records"),
                e.getMessage());
    }

    private Dataset<Row> assembled(Dataset<Row> blobs) {
        Dataset<Row> indexed = new StringIndexer().setInputCol("species").setOutputCol("label").fit(blobs)
                .transform(blobs);
        return new VectorAssembler().setInputCols(new String[] {"f1", "f2", "f3", "f4"}).setOutputCol("raw")
                .transform(indexed);
    }

    @Test
    void transformFindsAsManyCorrectAsKindlingEvaluateOnTheSameRows() throws IOException {
        Dataset<Row> blobs = blobs("train", 400, 1);
        Dataset<Row> test = blobs("test", 150, 2);
        StringIndexerModel indexer = new StringIndexer().setInputCol("species").setOutputCol("label").fit(blobs);
        VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"f1", "f2", "f3", "f4"})
                .setOutputCol("raw");
        Dataset<Row> train = assembler.transform(indexer.transform(blobs));
        Dataset<Row> rows = assembler.transform(indexer.transform(test)).select("raw", "label");
        String checkpoints = tmp.resolve("ckpt").toString();

        KindlingClassificationModel model = classifier().setEpochs(1).setFeaturesCol("raw")
                .setTransforms("normalize(auto)").setCheckpointDir(checkpoints).fit(train);
        long correct = model.transform(rows).where("prediction = label").count();
        String parquet = tmp.resolve("test.parquet").toString();
        rows.write().parquet(parquet);
        String report = evaluate("evaluate", "--checkpoint", checkpoints, "--test-data", parquet);

        Matcher accuracy = Pattern.compile("Accuracy: (\\d+)/150").matcher(report);
        assertTrue(accuracy.find(), report);
        assertEquals(correct, Long.parseLong(accuracy.group(1)), report);
        assertTrue(correct > 100, correct + " of 150 (chance 50)");
    }

    @Test
    void aFitWithResumeContinuesFromTheCheckpointOfAnEarlierFit() throws IOException {
        Dataset<Row> train = assembled(blobs("train", 200, 1));
        String checkpoints = tmp.resolve("ckpt").toString();
        classifier().setEpochs(1).setFeaturesCol("raw").setCheckpointDir(checkpoints).fit(train);

        PrintStream stdout = System.out;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
        try {
            classifier().setEpochs(2).setFeaturesCol("raw").setCheckpointDir(checkpoints).setResume(true).fit(train);
        } finally {
            System.setOut(stdout);
        }
        String log = console.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("1 epochs done"), log);
        assertTrue(log.contains("Train Epoch: 2 ") && !log.contains("Train Epoch: 1 "), log);
        IllegalArgumentException changed = assertThrows(IllegalArgumentException.class, () -> classifier()
                .setEpochs(3).setBatchSize(16).setFeaturesCol("raw").setCheckpointDir(checkpoints).setResume(true)
                .fit(train));
        assertEquals("--batch-size 16: the checkpoint was trained with 32, and it cannot change when resuming",
                changed.getMessage());
    }

    /** What `kindling ARGS` prints, run in this JVM's Spark. */
    private static String evaluate(String... args) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.run(args));
        } finally {
            System.setOut(stdout);
        }
        return console.toString(StandardCharsets.UTF_8);
    }

    @Test
    void crossValidationOverTwoLearningRatesPicksOneAndRefits() throws IOException {
        LocalSpark.forSparkMl();
        KindlingClassifier classifier = classifier().setEpochs(2);
        ParamMap[] grid = new ParamGridBuilder().addGrid(classifier.lr(), new double[] {0.01, 1e-6}).build();
        CrossValidator cv = new CrossValidator().setEstimator(pipeline(classifier)).setEstimatorParamMaps(grid)
                .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy")).setNumFolds(2)
                .setSeed(7);

        CrossValidatorModel fitted = cv.fit(blobs("train", 400, 1));

        double[] metrics = fitted.avgMetrics();
        assertEquals(2, metrics.length);
        assertTrue(metrics[0] > metrics[1], "lr 0.01 " + metrics[0] + " vs lr 1e-6 " + metrics[1]);
        KindlingClassificationModel best = (KindlingClassificationModel) ((PipelineModel) fitted.bestModel())
                .stages()[3];
        assertEquals(0.01, ((KindlingClassifier) best.parent()).getLr());
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
                .evaluate(fitted.transform(blobs("test", 150, 2)));
        assertTrue(accuracy > 0.9, "refitted best model's accuracy " + accuracy);
    }

    @Test
    void aMissingOrMistypedColumnFailsAtTransformSchema() throws IOException {
        Dataset<Row> blobs = blobs("train", 50, 1);
        KindlingClassifier classifier = classifier();

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> classifier.transformSchema(blobs.schema()));
        assertEquals("featuresCol features: the DataFrame has no column 'features', expected some of [f1, f2,"
                + " species, f3, f4]", missing.getMessage());
        RuntimeException mistyped = assertThrows(RuntimeException.class,
                () -> classifier.setFeaturesCol("species").transformSchema(blobs.schema()));
        assertEquals("the DataFrame: column 'species' is string, expected numeric columns, or one vector, array of"
                + " numbers, binary (encoded images) or image column (choose with featuresCol)", mistyped.getMessage());
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> classifier.setFeaturesCol("f1").setLabelCol("kind").fit(blobs));
        assertEquals("labelCol 'kind': the DataFrame has no such column, expected one of [f1, f2, species, f3, f4]",
                label.getMessage());
        Dataset<Row> withPrediction = blobs.withColumn("prediction", functions.lit(1.0));
        IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
                () -> classifier.setLabelCol("species").transformSchema(withPrediction.schema()));
        assertEquals("predictionCol 'prediction': the DataFrame has such a column already; choose another name",
                taken.getMessage());
    }

    @Test
    void aModelSpecGivenInlineIsBuiltAndTrained() throws IOException {
        Dataset<Row> data = new StandardScaler().setInputCol("raw").setOutputCol("features")
                .fit(assembled(blobs("train", 300, 1))).transform(assembled(blobs("train", 300, 1)));
        String spec = """
                loss: cross_entropy
                layers:
                  - dense: 12
                  - activation: relu
                  - dense: classes
                """;

        KindlingClassificationModel model = classifier().setModel(spec).setEpochs(6).setLr(0.05).fit(data);

        assertEquals(12 * 4 + 12 + 3 * 12 + 3, model.network().numParams(), "4 → 12 → 3, as written");
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
                .evaluate(model.transform(data));
        assertTrue(accuracy > 0.9, "accuracy " + accuracy);
    }

    @Test
    void theReadmeNamesEveryParam() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        String section = readme.substring(readme.indexOf("## From Spark code"), readme.indexOf("## On a Spark cluster"));
        for (var param : new KindlingClassifier().params()) {
            assertTrue(section.contains("`" + param.name() + "`"), param.name() + " is not in the README's Spark ML section");
        }
    }

    @Test
    void paramsFollowSparkMlConventions() throws IOException {
        KindlingClassifier classifier = new KindlingClassifier();
        assertEquals(14, classifier.getEpochs());
        assertEquals("mlp", classifier.getModel());
        assertEquals(1.0, classifier.getLr()); // adadelta's default, as `kindling train`
        assertEquals(0.001, classifier.setOptimizer("adam").getLr());
        assertArrayEquals(new int[] {256, 128}, classifier.getHidden());
        assertTrue(classifier.explainParams().contains("batchSize: minibatch size of each worker step"),
                classifier.explainParams());
        IllegalArgumentException epochs = assertThrows(IllegalArgumentException.class, () -> classifier.setEpochs(0));
        assertEquals("epochs 0: expected an integer >= 1", epochs.getMessage());
        IllegalArgumentException optimizer = assertThrows(IllegalArgumentException.class,
                () -> classifier.setOptimizer("lbfgs"));
        assertTrue(optimizer.getMessage().startsWith("optimizer lbfgs: unknown, expected one of [adadelta"),
                optimizer.getMessage());

        KindlingClassifier copy = classifier.setEpochs(3).copy(new ParamMap().put(classifier.lr(), 0.5));
        assertEquals(classifier.uid(), copy.uid());
        assertEquals(3, copy.getEpochs());
        assertEquals(0.5, copy.getLr());

        String dir = tmp.resolve("estimator").toString();
        copy.setScheduler("cosine").setMilestones(new int[] {2, 4}).write().save(dir);
        KindlingClassifier loaded = KindlingClassifier.load(dir);
        assertEquals(copy.uid(), loaded.uid());
        assertEquals(0.5, loaded.getLr());
        assertEquals("cosine", loaded.getScheduler());
        assertArrayEquals(new int[] {2, 4}, loaded.getMilestones());
        assertTrue(loaded.isDefined(loaded.gamma()) && !loaded.isSet(loaded.gamma()));
    }
}
