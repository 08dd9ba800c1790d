package io.kindling.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.testing.LocalSpark;
import io.kindling.datasets.testing.SyntheticMnist;
import io.kindling.driver.CsvBlobs;
import io.kindling.driver.Main;
import io.kindling.driver.checkpoint.CheckpointStore;
import io.kindling.driver.job.EpochResult;
import io.kindling.driver.job.JobSpec;
import io.kindling.driver.train.TrainingJob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `--dataset table` end to end on Spark local[2]: tables written by Spark SQL, trained on as users do. */
class TablesTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);

    private static SparkSession spark() {
        LocalSpark.context();
        return SparkSession.builder().getOrCreate();
    }

    /** CSV blobs (three classes named by strings) rewritten as a table of {@code format}. */
    private String blobs(String name, int rows, long seed, String format) throws IOException {
        Path csv = tmp.resolve(name + ".csv");
        CsvBlobs.write(csv, rows, seed);
        String uri = tmp.resolve(name + "." + format).toString();
        spark().read().option("header", true).option("inferSchema", true).csv(csv.toString()).write().format(format)
                .save(uri);
        return uri;
    }

    @Test
    void aTabularTableLearnsClearlyAboveChanceAndKeepsItsLabelMap() throws IOException {
        String checkpoints = tmp.resolve("ckpt").toString();
        JobSpec spec = JobSpec.builder().dataset("table").format("orc").trainData(List.of(blobs("train", 600, 1, "orc")))
                .testData(List.of(blobs("test", 150, 2, "orc"))).labelColumn("species").model("mlp")
                .hidden(List.of(16)).transforms("normalize(auto)").optimizer("adam").lr(0.01).epochs(3).workers(2)
                .checkpointDir(checkpoints).build();

        List<EpochResult> results = new TrainingJob(spec, LocalSpark.context(), out).run();

        assertTrue(results.get(2).test().accuracy() > 0.9, "accuracy " + results.get(2).test() + " (chance 0.33)");
        CheckpointStore store = new CheckpointStore(checkpoints, LocalSpark.context().hadoopConfiguration());
        assertEquals(List.of("amber", "blue", "crimson"),
                store.readState(store.newestValid(m -> { }).orElseThrow()).data().classes());
    }

    @Test
    void catalogTablesWithAFilterTrainOnlyTheRowsThatMeetIt() throws IOException {
        spark().read().parquet(blobs("all", 400, 3, "parquet")).write().mode("overwrite").saveAsTable("blobs");
        long kept = spark().table("blobs").where("species <> 'crimson'").count();
        String checkpoints = tmp.resolve("ckpt").toString();
        JobSpec spec = JobSpec.builder().dataset("table").table("blobs").testTable("blobs")
                .where("species <> 'crimson'").labelColumn("species").model("mlp").hidden(List.of(8)).epochs(1)
                .workers(2).checkpointDir(checkpoints).build();

        List<EpochResult> results = new TrainingJob(spec, LocalSpark.context(), out).run();

        assertEquals(kept, results.get(0).train().examples());
        assertEquals(kept, results.get(0).test().count());
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("table=blobs test-table=blobs"
                + " where=\"species <> 'crimson'\""));

        // `kindling evaluate` on another catalog table, in this JVM's Spark (the catalog lives there).
        spark().table("blobs").write().saveAsTable("blobs_again");
        PrintStream stdout = System.out;
        ByteArrayOutputStream evaluation = new ByteArrayOutputStream();
        System.setOut(new PrintStream(evaluation, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.run("evaluate", "--checkpoint", checkpoints, "--test-table", "blobs_again"));
        } finally {
            System.setOut(stdout);
        }
        String report = evaluation.toString(StandardCharsets.UTF_8);
        assertTrue(report.contains("on table blobs_again"), report);
        assertTrue(report.contains("/" + kept + " ("), "the training job's --where applies: " + report);
    }

    @Test
    void mnistExportedToParquetTrainsExactlyAsFromIdx() throws IOException {
        Path idx = tmp.resolve("mnist");
        SyntheticMnist.write(idx, 384, 100, 5, true);
        String tables = tmp.resolve("mnist-tables").toString();
        JobSpec fromIdx = JobSpec.builder().dataDir(idx.toString()).download(false).model("mlp").hidden(List.of(32))
                .epochs(1).workers(2).seed(9).saveModel(tmp.resolve("idx.zip").toString()).build();
        TableExport.write(Datasets.named("mnist"), fromIdx.data(), "parquet", tables, LocalSpark.context(), out);
        JobSpec fromParquet = JobSpec.builder().dataset("table").trainData(List.of(tables + "/train"))
                .testData(List.of(tables + "/test")).features(List.of("image")).grayscale(true)
                .transforms(new Mnist().defaultTransforms()).model("mlp").hidden(List.of(32)).epochs(1).workers(2)
                .seed(9).saveModel(tmp.resolve("parquet.zip").toString()).build();

        EpochResult idxResult = new TrainingJob(fromIdx, LocalSpark.context(), out).run().get(0);
        EpochResult parquetResult = new TrainingJob(fromParquet, LocalSpark.context(), out).run().get(0);

        assertEquals(384, parquetResult.train().examples());
        assertEquals(ModelSerializer.restoreMultiLayerNetwork(tmp.resolve("idx.zip").toFile()).params(),
                ModelSerializer.restoreMultiLayerNetwork(tmp.resolve("parquet.zip").toFile()).params(),
                "the same parameters, bit for bit");
        assertEquals(idxResult.test().correct(), parquetResult.test().correct());
        // The tables are split into other partitions than the IDX files, so losses are summed in another order.
        assertEquals(idxResult.train().meanLoss(), parquetResult.train().meanLoss(), 1e-8);
        assertEquals(idxResult.test().averageLoss(), parquetResult.test().averageLoss(), 1e-8);
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class, () -> TableExport.write(
                Datasets.named("mnist"), fromIdx.data(), "parquet", tables, LocalSpark.context(), out));
        assertEquals("--output " + tables + ": already exists, expected a new location", again.getMessage());
    }

    @Test
    void optionsThatContradictEachOtherAreNamed() {
        JobSpec both = JobSpec.builder().dataset("table").table("t").trainData(List.of("x.parquet")).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Datasets.of(both.data()));
        assertEquals("--table t: given with --train-data, expected one of them", e.getMessage());
        JobSpec neither = JobSpec.builder().dataset("table").build();
        e = assertThrows(IllegalArgumentException.class, () -> Datasets.of(neither.data()));
        assertEquals("--train-data: needed with --dataset table, expected the training files of --format, or --table"
                + " NAME", e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("spark-warehouse")));
    }
}
