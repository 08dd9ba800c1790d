package io.kindling.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.testing.ImageFolders;
import io.kindling.datasets.testing.LocalSpark;
import io.kindling.driver.CsvBlobs;
import io.kindling.driver.Main;
import io.kindling.driver.job.EpochResult;
import io.kindling.driver.job.JobSpec;
import io.kindling.driver.train.TrainingJob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kindling predict} on models trained here: its predictions agree with the job's own test
 * evaluation, example for example in count, so inputs are read and transformed as in training.
 */
class PredictCommandTest {
    @TempDir
    Path tmp;

    private final PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @Test
    void csvRowsGetTheClassesTheJobsEvaluationCounted() throws IOException {
        CsvBlobs.write(tmp.resolve("train.csv"), 600, 1);
        CsvBlobs.write(tmp.resolve("test.csv"), 150, 2);
        Path model = tmp.resolve("model.zip");
        JobSpec spec = JobSpec.builder().dataset("csv").trainData(List.of(tmp.resolve("train.csv").toString()))
                .testData(List.of(tmp.resolve("test.csv").toString())).labelColumn("species").model("mlp")
                .hidden(List.of(16)).transforms("normalize(auto)").optimizer("adam").lr(0.01).epochs(2).workers(2)
                .saveModel(model.toUri().toString()).build();
        EpochResult last = new TrainingJob(spec, LocalSpark.context(), quiet).run().get(1);

        Path output = tmp.resolve("predictions.csv");
        assertEquals(0, Main.run("predict", "--saved-model", model.toString(), "--output", output.toString(),
                tmp.resolve("test.csv").toString()));

        List<String> rows = Files.readAllLines(output);
        assertEquals("input,predicted,probability,p_amber,p_blue,p_crimson", rows.get(0));
        List<String> truth = Files.readAllLines(tmp.resolve("test.csv")).stream().skip(1).map(l -> l.split(",")[2])
                .toList();
        assertEquals(150, rows.size() - 1);
        long correct = 0;
        for (int i = 1; i < rows.size(); i++) {
            String[] f = rows.get(i).split(",");
            assertTrue(f[0].endsWith("test.csv:" + (i + 1)), f[0]);
            double[] p = Arrays.stream(f, 3, 6).mapToDouble(Double::parseDouble).toArray();
            assertEquals(1.0, p[0] + p[1] + p[2], 1e-5, "softmax probabilities");
            assertEquals(Arrays.stream(p).max().orElseThrow(), Double.parseDouble(f[2]), 1e-9);
            if (f[1].equals(truth.get(i - 1))) {
                correct++;
            }
        }
        assertEquals(last.test().correct(), correct, "predict agrees with the job's evaluation");
        assertTrue(correct > 130, correct + "/150");
    }

    @Test
    void rowsWithoutTheLabelColumnWorkAndAWrongWidthIsOneLine() throws IOException {
        CsvBlobs.write(tmp.resolve("train.csv"), 300, 3);
        Path model = tmp.resolve("model.zip");
        JobSpec spec = JobSpec.builder().dataset("csv").trainData(List.of(tmp.resolve("train.csv").toString()))
                .labelColumn("species").model("mlp").hidden(List.of(8)).epochs(1).workers(2)
                .saveModel(model.toUri().toString()).build();
        new TrainingJob(spec, LocalSpark.context(), quiet).run();
        Files.writeString(tmp.resolve("features.csv"), "f1,f2,f3,f4\n10,200,-3,0.5\n6,230,3,0.9\n");
        Files.writeString(tmp.resolve("bad.csv"), "f1,f2,f3\n10,200,-3\n");

        Path output = tmp.resolve("out.csv");
        assertEquals(0, Main.run("predict", "--saved-model", model.toString(), "--output", output.toString(),
                tmp.resolve("features.csv").toString()));
        assertEquals(3, Files.readAllLines(output).size());

        Path failed = tmp.resolve("failed.csv");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("predict", "--saved-model", model.toString(), "--output", failed.toString(),
                    tmp.resolve("bad.csv").toString());
        } finally {
            System.setErr(stderr);
        }
        assertEquals(1, code);
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("bad.csv, line 2: 3 columns, expected the model's 4 features (or 5 with the label"
                + " column)"), message);
        assertEquals(1, message.strip().lines().count(), message);
        assertFalse(Files.exists(failed), "nothing half-written");
    }

    /**
     * CSV blobs as Parquet tables, {@code train} and {@code test}, and an MLP trained on them and saved to
     * {@code model}; returns its last epoch, whose test evaluation predictions must agree with.
     */
    private EpochResult trainOnBlobTables(Path model) throws IOException {
        LocalSpark.context();
        SparkSession spark = SparkSession.builder().getOrCreate();
        for (String split : List.of("train", "test")) {
            CsvBlobs.write(tmp.resolve(split + ".csv"), split.equals("train") ? 600 : 150, split.length());
            spark.read().option("header", true).option("inferSchema", true).csv(tmp.resolve(split + ".csv").toString())
                    .write().parquet(tmp.resolve(split).toString());
        }
        JobSpec spec = JobSpec.builder().dataset("table").trainData(List.of(tmp.resolve("train").toString()))
                .testData(List.of(tmp.resolve("test").toString())).labelColumn("species").model("mlp")
                .hidden(List.of(16)).transforms("normalize(auto)").optimizer("adam").lr(0.01).epochs(2).workers(2)
                .saveModel(model.toUri().toString()).build();
        return new TrainingJob(spec, LocalSpark.context(), quiet).run().get(1);
    }

    @Test
    void tableRowsWithoutTheLabelGetTheClassesTheJobsEvaluationCounted() throws IOException {
        Path model = tmp.resolve("model.zip");
        EpochResult last = trainOnBlobTables(model);
        SparkSession spark = SparkSession.builder().getOrCreate();
        spark.read().parquet(tmp.resolve("test").toString()).drop("species").write()
                .parquet(tmp.resolve("unlabelled").toString());
        List<String> truth = spark.read().parquet(tmp.resolve("test").toString()).select("species").collectAsList()
                .stream().map(r -> r.getString(0)).toList();
        LocalSpark.stop(); // predict starts and stops its own local Spark

        Path output = tmp.resolve("predictions.csv");
        assertEquals(0, Main.run("predict", "--saved-model", model.toString(), "--output", output.toString(),
                tmp.resolve("unlabelled").toString()));

        List<String> rows = Files.readAllLines(output);
        assertEquals("input,predicted,probability,p_amber,p_blue,p_crimson", rows.get(0));
        assertEquals(150, rows.size() - 1);
        assertTrue(rows.get(1).matches("\"?part-.*\\.parquet, row 1\"?,.*"), rows.get(1));
        long correct = 0;
        for (int i = 1; i < rows.size(); i++) {
            String predicted = rows.get(i).substring(rows.get(i).indexOf("\",") + 2).split(",")[0];
            if (predicted.equals(truth.get(i - 1))) {
                correct++;
            }
        }
        assertEquals(last.test().correct(), correct, "predict agrees with the job's evaluation");
    }

    @Test
    void tablesScoredOnSparkAgreeWithTheJobsEvaluationAndAreWrittenWhole() throws IOException {
        Path model = tmp.resolve("model.zip");
        EpochResult last = trainOnBlobTables(model);
        SparkSession spark = SparkSession.builder().getOrCreate();
        LocalSpark.stop(); // predict starts and stops its own Spark
        String parquet = tmp.resolve("predictions.parquet").toString();
        String csv = tmp.resolve("predictions.csv").toString();

        assertEquals(0, Main.run("predict", "--saved-model", model.toString(), "--master", "local[2]", "--input",
                tmp.resolve("test").toString(), "--output", parquet, "--test-batch-size", "64"));
        assertEquals(0, Main.run("predict", "--saved-model", model.toString(), "--input",
                tmp.resolve("test").toString(), "--output", csv, "--output-format", "csv"));
        int again = Main.run("predict", "--saved-model", model.toString(), "--input", tmp.resolve("test").toString(),
                "--output", parquet);

        assertTrue(again != 0, "an existing output is refused");
        spark = SparkSession.builder().master("local[2]").getOrCreate();
        Dataset<Row> predicted = spark.read().parquet(parquet);
        assertEquals(List.of("species", "predicted", "probability", "p_amber", "p_blue", "p_crimson"),
                List.of(predicted.columns()));
        assertEquals(150, predicted.count());
        assertEquals(last.test().correct(), predicted.where("predicted = species").count(),
                "predict on Spark agrees with the job's evaluation");
        Dataset<Row> fromCsv = spark.read().option("header", true).option("inferSchema", true).csv(csv);
        assertEquals(last.test().correct(), fromCsv.where("predicted = species").count());
        try (var files = Files.list(tmp)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().contains(".partial-")), "no partial output");
        }
        spark.stop();
    }

    @Test
    void imagesGetTheClassesTheJobsEvaluationCounted() throws IOException {
        List<String> classes = List.of("cat", "dog", "owl", "pig");
        ImageFolders.write(tmp.resolve("train"), classes, 30, 16, 1);
        ImageFolders.write(tmp.resolve("test"), classes, 10, 24, 2);
        Path model = tmp.resolve("model.zip");
        JobSpec spec = JobSpec.builder().dataset("images").trainData(List.of(tmp.resolve("train").toString()))
                .testData(List.of(tmp.resolve("test").toString())).imageSize(12, 12).model("simple-cnn").epochs(2)
                .workers(2).saveModel(model.toUri().toString()).build();
        EpochResult last = new TrainingJob(spec, LocalSpark.context(), quiet).run().get(1);

        Path output = tmp.resolve("predictions.csv");
        assertEquals(0, Main.run("predict", "--saved-model", model.toString(), "--output", output.toString(),
                tmp.resolve("test").toString()));

        List<String> rows = Files.readAllLines(output);
        assertEquals("input,predicted,probability,p_cat,p_dog,p_owl,p_pig", rows.get(0));
        assertEquals(41, rows.size());
        long correct = rows.stream().skip(1).map(r -> r.split(","))
                .filter(f -> f[0].contains("/test/" + f[1] + "/")).count();
        assertEquals(last.test().correct(), correct, "predict agrees with the job's evaluation");
    }
}
