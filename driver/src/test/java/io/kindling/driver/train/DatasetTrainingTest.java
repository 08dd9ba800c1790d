package io.kindling.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.testing.IdxFiles;
import io.kindling.datasets.testing.ImageFolders;
import io.kindling.datasets.testing.LocalSpark;
import io.kindling.datasets.testing.SyntheticCifar;
import io.kindling.datasets.testing.SyntheticMnist;
import io.kindling.driver.CsvBlobs;
import io.kindling.driver.checkpoint.CheckpointStore;
import io.kindling.driver.checkpoint.TrainingState;
import io.kindling.driver.job.EpochResult;
import io.kindling.driver.job.JobSpec;
import io.kindling.driver.job.SchedulerSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short training run on each kind of source, and the loader options, on Spark local[2]. */
class DatasetTrainingTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);

    @Test
    void csvClassificationLearnsWithNormalizeAutoAndKeepsItsLabelMap() throws IOException {
        CsvBlobs.write(tmp.resolve("train.csv"), 600, 1);
        CsvBlobs.write(tmp.resolve("test.csv"), 150, 2);
        String checkpoints = tmp.resolve("ckpt").toString();
        JobSpec spec = JobSpec.builder().dataset("csv").trainData(List.of(tmp.resolve("train.csv").toString()))
                .testData(List.of(tmp.resolve("test.csv").toString())).labelColumn("species").model("mlp")
                .hidden(List.of(16)).transforms("normalize(auto)").optimizer("adam").lr(0.01).epochs(3).workers(2)
                .checkpointDir(checkpoints).build();

        List<EpochResult> results = new TrainingJob(spec, LocalSpark.context(), out).run();

        assertTrue(results.get(2).test().accuracy() > 0.9, "accuracy " + results.get(2).test());
        CheckpointStore store = new CheckpointStore(checkpoints, LocalSpark.context().hadoopConfiguration());
        TrainingState state = store.readState(store.newestValid(m -> { }).orElseThrow());
        assertEquals(List.of("amber", "blue", "crimson"), state.data().classes());
        assertTrue(state.transforms().startsWith("normalize(["), state.transforms());
    }

    @Test
    void csvRegressionLearnsATargetWithMse() throws IOException {
        Random random = new Random(4);
        StringBuilder csv = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 800; i++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian();
            csv.append(String.format(Locale.ROOT, "%.4f,%.4f,%.4f%n", a, b, 2 * a - b + 0.05 * random.nextGaussian()));
        }
        Files.writeString(tmp.resolve("reg.csv"), csv);
        JobSpec spec = JobSpec.builder().dataset("csv").trainData(List.of(tmp.resolve("reg.csv").toString()))
                .regression(true).validationSplit(0.25).model("mlp").hidden(List.of(16)).optimizer("adam").lr(0.01)
                .batchSize(16).epochs(8).workers(2).build();

        List<EpochResult> results = new TrainingJob(spec, LocalSpark.context(), out).run();

        EpochResult last = results.get(7);
        assertNull(last.test());
        assertEquals(200, last.validation().count());
        assertTrue(last.validation().averageLoss() < 0.2, "validation MSE " + last.validation().averageLoss()
                + " (the target's variance is 5)");
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("Validation set: Average loss: "));
    }

    @Test
    void imageFoldersLearn() {
        ImageFolders.write(tmp.resolve("train"), List.of("cat", "dog", "owl", "pig"), 30, 16, 1);
        ImageFolders.write(tmp.resolve("test"), List.of("cat", "dog", "owl", "pig"), 10, 24, 2);
        JobSpec spec = JobSpec.builder().dataset("images").trainData(List.of(tmp.resolve("train").toString()))
                .testData(List.of(tmp.resolve("test").toString())).imageSize(12, 12).model("simple-cnn").epochs(3)
                .workers(2).build();

        List<EpochResult> results = new TrainingJob(spec, LocalSpark.context(), out).run();

        assertEquals(40, results.get(2).test().count(), "test images resized to the training size");
        assertTrue(results.get(2).test().accuracy() > 0.6, "accuracy " + results.get(2).test());
    }

    @Test
    void theSeedsCifarCnnTrainsOnCifarFilesWithAugmentation() {
        SyntheticCifar.write(tmp.resolve("cifar"), 120, 200, 7);
        JobSpec spec = JobSpec.builder().dataset("cifar10").dataDir(tmp.resolve("cifar").toString()).download(false)
                .model("cifar10-cnn").transforms("random_crop(32, 2); hflip(0.5); to_tensor").epochs(3).workers(2)
                .build();

        List<EpochResult> results = new TrainingJob(spec, LocalSpark.context(), out).run();

        assertEquals(600, results.get(0).train().examples());
        assertTrue(results.get(2).test().accuracy() > 0.3, "accuracy " + results.get(2).test() + " (chance 0.1)");
    }

    @Test
    void validationSplitFeedsThePlateauSchedulerAndTheBestCheckpoint() {
        SyntheticMnist.write(tmp.resolve("mnist"), 500, 100, 3, false);
        String checkpoints = tmp.resolve("ckpt").toString();
        JobSpec spec = JobSpec.builder().dataDir(tmp.resolve("mnist").toString()).download(false).model("mlp")
                .hidden(List.of(32)).validationSplit(0.2).epochs(2).workers(2).checkpointDir(checkpoints)
                .keepBest("validation_accuracy").scheduler(plateauOnValidationLoss()).build();

        List<EpochResult> results = new TrainingJob(spec, LocalSpark.context(), out).run();

        assertEquals(400, results.get(0).train().examples());
        assertEquals(100, results.get(0).validation().count());
        CheckpointStore store = new CheckpointStore(checkpoints, LocalSpark.context().hadoopConfiguration());
        assertEquals("validation_accuracy", store.readState(store.newestValid(m -> { }).orElseThrow()).best().metric());
    }

    @Test
    void dropLastAndEveryCacheModeTrainTheSameExamplesTheSameWay() {
        SyntheticMnist.write(tmp.resolve("mnist"), 300, 100, 3, true);
        List<Double> losses = new java.util.ArrayList<>();
        for (String cache : List.of("memory", "disk", "none")) {
            JobSpec spec = JobSpec.builder().dataDir(tmp.resolve("mnist").toString()).download(false).model("mlp")
                    .hidden(List.of(16)).dropLast(true).cache(cache).epochs(1).workers(2).build();
            EpochResult result = new TrainingJob(spec, LocalSpark.context(), out).run().get(0);
            assertEquals(256, result.train().examples(), "2 workers × 2 full minibatches of 64, the rest dropped");
            losses.add(result.test().averageLoss());
        }
        assertEquals(1, losses.stream().distinct().count(), "cache modes change where data waits, not results: " + losses);
    }

    @Test
    void badRecordsCanBeSkippedAndAreCounted() {
        Path data = tmp.resolve("mnist");
        SyntheticMnist.write(data, 200, 50, 3, false);
        byte[] labels = new byte[200];
        labels[10] = 42;
        labels[11] = 43;
        IdxFiles.write(data.resolve("train-labels-idx1-ubyte"), IdxFiles.labels(labels));
        JobSpec spec = JobSpec.builder().dataDir(data.toString()).download(false).model("mlp").hidden(List.of(8))
                .skipBadRecords(true).epochs(1).workers(2).build();

        EpochResult result = new TrainingJob(spec, LocalSpark.context(), out).run().get(0);

        assertEquals(198, result.train().examples());
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("Skipped 2 bad records (--skip-bad-records)"));
    }

    private static io.kindling.driver.job.SchedulerSpec plateauOnValidationLoss() {
        return new io.kindling.driver.job.SchedulerSpec("plateau", 0.7, 1, List.of(), 0, 0, "min", 0.5, 0, 1e-4,
                "rel", 0, 0, "validation_loss", null);
    }
}
