package io.kindling.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.testing.IdxFiles;
import io.kindling.datasets.testing.SyntheticMnist;
import io.kindling.driver.MnistForTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher end to end: a short training run, and each kind of bad input as one line and a non-zero exit. */
class KindlingCliIT {
    @TempDir
    Path tmp;

    @Test
    void fetchesMnistWhenMissingThenTrainsSavesEvaluatesAndPredicts() throws Exception {
        Path data = tmp.resolve("mnist");
        Path model = tmp.resolve("models/mnist-cnn.zip");
        Path runs = tmp.resolve("runs/first");
        List<String> args = new java.util.ArrayList<>(List.of("train", "--data-dir", Launcher.path(data),
                "--epochs", "1", "--workers", "2", "--limit-train", "640", "--limit-test", "500",
                "--log-interval", "5", "--save-model", Launcher.path(model), "--run-dir", Launcher.path(runs)));
        MnistForTests.mirrors().forEach(m -> args.addAll(List.of("--mirror", m)));

        Launcher.Result run = Launcher.run(Map.of(), args.toArray(new String[0]));

        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stdout().contains("train-images-idx3-ubyte: fetched from "), run.stdout());
        assertTrue(run.stdout().matches("(?s).*\nTrain Epoch: 1 \\[640/640 \\(100%\\)]\tLoss: \\d+\\.\\d{6}"
                + "\t\\d+\\.\\d examples/s\tETA 0:00\n.*"), run.stdout());
        String testLine = run.stdout().lines().filter(l -> l.startsWith("Test set: ")).findFirst().orElseThrow();
        assertTrue(testLine.matches("Test set: Average loss: \\d+\\.\\d{4}, Accuracy: \\d+/500 \\(\\d+%\\)"), testLine);
        assertTrue(run.stdout().matches("(?s).*\nDone: epoch 1 in \\d+:\\d\\d, 640 examples trained at [0-9.]+ examples/s\n"
                + "Best epoch: 1 \\(test_accuracy 0\\.\\d{4}\\)\nMetrics: .*\nModel: .*"), run.stdout());
        assertTrue(Files.size(model) > 4_000_000, "a model zip with 1.2M parameters and updater state");
        assertEquals(List.of("mnist-cnn.zip"), List.of(model.getParent().toFile().list()));
        assertEquals(2, Files.readAllLines(runs.resolve("metrics-001.jsonl")).size(), "one log interval, one epoch");
        try (var files = Files.list(runs)) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().startsWith("events.out.tfevents.")).count());
        }

        Launcher.Result evaluate = Launcher.run(Map.of(), "evaluate", "--saved-model", Launcher.path(model),
                "--limit-test", "500");
        assertEquals(0, evaluate.exitCode(), evaluate.stderr());
        assertTrue(evaluate.stdout().contains("\n" + testLine + "\n"), evaluate.stdout() + " lacks " + testLine);
        assertTrue(evaluate.stdout().contains("precision     recall   f1-score    support"), evaluate.stdout());
        assertTrue(evaluate.stdout().matches("(?s).*\n    accuracy  +0\\.\\d{4} +500\n.*"), evaluate.stdout());
        assertTrue(evaluate.stdout().contains("Confusion matrix (rows: true class, columns: predicted class):"));

        Path digits = tmp.resolve("digits");
        Files.createDirectories(digits);
        for (int d = 0; d < 2; d++) {
            java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(56, 56,
                    java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
            java.awt.Graphics2D g = image.createGraphics();
            g.setColor(java.awt.Color.WHITE);
            g.fillRect(24 - 12 * d, 8, 8 + 24 * d, 40);
            g.dispose();
            javax.imageio.ImageIO.write(image, "png", digits.resolve("digit" + d + ".png").toFile());
        }
        Launcher.Result predict = Launcher.run(Map.of(), "predict", "--saved-model", Launcher.path(model),
                Launcher.path(digits));
        assertEquals(0, predict.exitCode(), predict.stderr());
        List<String> rows = predict.stdout().lines().filter(l -> !l.isBlank()).toList();
        assertEquals("input,predicted,probability,p_0,p_1,p_2,p_3,p_4,p_5,p_6,p_7,p_8,p_9", rows.get(0));
        assertEquals(3, rows.size(), predict.stdout());
        assertTrue(rows.get(1).matches(".*digit0\\.png,\\d,0\\.\\d{6}(,\\d\\.\\d{6}){10}"), rows.get(1));
    }

    @Test
    void checkpointsAreListedEvaluatedAndExportedBothWays() throws Exception {
        Path data = dataset();
        Path checkpoints = tmp.resolve("checkpoints");
        Launcher.Result train = Launcher.run(Map.of(), "train", "--data-dir", Launcher.path(data), "--epochs", "2",
                "--workers", "2", "--checkpoint-dir", Launcher.path(checkpoints));
        assertEquals(0, train.exitCode(), train.stderr());
        String lastTestLine = train.stdout().lines().filter(l -> l.startsWith("Test set:")).reduce((a, b) -> b).orElseThrow();

        Launcher.Result list = Launcher.run(Map.of(), "checkpoints", "list", Launcher.path(checkpoints));
        assertEquals(0, list.exitCode(), list.stderr());
        List<String> rows = list.stdout().lines().toList();
        assertEquals(3, rows.size(), list.stdout());
        assertTrue(rows.get(1).startsWith("epoch-0001   yes "), rows.get(1));
        assertTrue(rows.get(2).startsWith("epoch-0002   yes "), rows.get(2));

        Launcher.Result evaluate = Launcher.run(Map.of(), "evaluate", "--checkpoint", Launcher.path(checkpoints));
        assertEquals(0, evaluate.exitCode(), evaluate.stderr());
        assertTrue(evaluate.stdout().contains(lastTestLine), evaluate.stdout() + " lacks " + lastTestLine);

        Path model = tmp.resolve("export/model.zip");
        Path params = tmp.resolve("export/params.npz");
        assertEquals(0, Launcher.run(Map.of(), "checkpoints", "export", Launcher.path(checkpoints.resolve("epoch-0002")),
                "--output", Launcher.path(model)).exitCode());
        assertEquals(0, Launcher.run(Map.of(), "checkpoints", "export", Launcher.path(checkpoints),
                "--output", Launcher.path(params), "--params-only").exitCode());
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(model.toFile())) {
            assertTrue(zip.getEntry("configuration.json") != null && zip.getEntry("coefficients.bin") != null);
            assertTrue(zip.getEntry("updaterState.bin") == null, "the exported model carries no optimiser state");
        }
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(params.toFile())) {
            assertEquals(java.util.Set.of("0_W.npy", "0_b.npy", "1_W.npy", "1_b.npy", "4_W.npy", "4_b.npy", "6_W.npy",
                    "6_b.npy"), zip.stream().map(java.util.zip.ZipEntry::getName).collect(java.util.stream.Collectors.toSet()));
        }
    }

    @Test
    void wrongMagicIsOneLineAndExitCode1() throws Exception {
        Path data = dataset();
        IdxFiles.write(data.resolve("t10k-images-idx3-ubyte"), IdxFiles.bytes(0x0802, new int[] {200, 28, 28},
                new byte[200 * 784]));
        assertOneLineError(data, "t10k-images-idx3-ubyte: magic number 0x00000802, expected 0x00000803");
    }

    @Test
    void truncatedFileIsOneLineAndExitCode1() throws Exception {
        Path data = dataset();
        Path images = data.resolve("train-images-idx3-ubyte");
        byte[] content = Files.readAllBytes(images);
        Files.write(images, java.util.Arrays.copyOf(content, content.length - 784 * 3 - 5));
        assertOneLineError(data, "train-images-idx3-ubyte: file size 311259 bytes, expected 313616"
                + " (header 16 + 400 records x 784 bytes): file is truncated");
    }

    @Test
    void countMismatchIsOneLineAndExitCode1() throws Exception {
        Path data = dataset();
        IdxFiles.write(data.resolve("train-labels-idx1-ubyte"), IdxFiles.labels(new byte[399]));
        assertOneLineError(data, "train-labels-idx1-ubyte: record count 399, expected 400 to match"
                + " train-images-idx3-ubyte");
    }

    @Test
    void labelElevenFoundByAnExecutorIsOneLineAndExitCode1() throws Exception {
        Path data = dataset();
        byte[] labels = new byte[400];
        labels[321] = 11;
        IdxFiles.write(data.resolve("train-labels-idx1-ubyte"), IdxFiles.labels(labels));
        assertOneLineError(data, "train-labels-idx1-ubyte: record 321: label 11, expected 0..9");
    }

    @Test
    void modelsArePrintedLikePrintNet() throws Exception {
        Launcher.Result run = Launcher.run(Map.of(), "models", "mnist-cnn", "lenet5");
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stdout().contains("input 1x28x28, loss NLLLoss (log_softmax output), 1,199,882 parameters"),
                run.stdout());
        assertTrue(run.stdout().contains("Linear(in_features=256, out_features=120, bias=True)"), run.stdout());
    }

    @Test
    void aModelFileWithAShapeMismatchIsOneLineNamingTheLayerAndBothShapes() throws Exception {
        Path data = dataset();
        Path spec = Files.writeString(tmp.resolve("net.yaml"), """
                layers:
                  - conv2d: {out_channels: 32, kernel_size: 3}
                  - maxpool2d: 2
                  - dense: {in_features: 9216, out_features: 128}
                  - dense: classes
                """);
        Launcher.Result run = Launcher.run(Map.of(), "train", "--data-dir", Launcher.path(data), "--model-file",
                Launcher.path(spec), "--epochs", "1");
        assertEquals(1, run.exitCode(), run.stderr());
        assertEquals(List.of("kindling train: error: --model-file " + Launcher.path(spec) + ": layer 2 (dense): expects"
                + " in_features 9216, but its input is 5408 features (input 1x28x28)"), Launcher.errorLines(run));
    }

    @Test
    void aNonNumericCsvFieldIsOneLineWithFileLineAndColumn() throws Exception {
        Path csv = Files.writeString(tmp.resolve("train.csv"), "a,b,label\n1,2,x\n3,4,y\n5,five,x\n");
        Launcher.Result run = Launcher.run(Map.of(), "train", "--dataset", "csv", "--train-data", Launcher.path(csv),
                "--model", "mlp", "--epochs", "1", "--workers", "2");
        assertEquals(1, run.exitCode(), run.stderr());
        assertEquals(List.of("kindling train: error: train.csv, line 4: column 'b': 'five' is not a finite decimal number"),
                Launcher.errorLines(run));
    }

    @Test
    void anEmptyImageClassFolderIsOneLine() throws Exception {
        io.kindling.datasets.testing.ImageFolders.write(tmp.resolve("img"), List.of("a"), 2, 8, 1);
        Files.createDirectories(tmp.resolve("img/b"));
        Launcher.Result run = Launcher.run(Map.of(), "train", "--dataset", "images", "--train-data",
                Launcher.path(tmp.resolve("img")), "--model", "mlp", "--epochs", "1");
        assertEquals(1, run.exitCode(), run.stderr());
        assertEquals(List.of("kindling train: error: file:" + Launcher.path(tmp.resolve("img/b"))
                + ": no images, expected files ending in [bmp, gif, jpeg, jpg, png]"), Launcher.errorLines(run));
    }

    @Test
    void badOptionValueNamesTheOptionAndExitsWith2() throws Exception {
        Launcher.Result run = Launcher.run(Map.of(), "train", "--batch-size", "0");
        assertEquals(2, run.exitCode());
        assertEquals(List.of("kindling train: --batch-size 0: expected an integer >= 1",
                "Try 'kindling train --help' for the options."), run.stderr().lines().toList());
    }

    private Path dataset() {
        Path data = tmp.resolve("data");
        SyntheticMnist.write(data, 400, 200, 9, false);
        return data;
    }

    private static void assertOneLineError(Path data, String message) throws IOException, InterruptedException {
        Launcher.Result run = Launcher.run(Map.of(), "train", "--data-dir", Launcher.path(data), "--epochs", "1",
                "--workers", "2", "--no-download");
        assertEquals(1, run.exitCode(), run.stderr());
        assertEquals(List.of("kindling train: error: " + message), Launcher.errorLines(run), run.stderr());
        assertFalse(run.stdout().contains("Test set"), run.stdout());
    }
}
