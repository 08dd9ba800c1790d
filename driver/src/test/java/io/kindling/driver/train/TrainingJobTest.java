package io.kindling.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.BadRecords;
import io.kindling.datasets.Example;
import io.kindling.datasets.Shard;
import io.kindling.datasets.mnist.MnistSource;
import io.kindling.datasets.testing.LocalSpark;
import io.kindling.datasets.testing.MiniHdfs;
import io.kindling.datasets.testing.SyntheticMnist;
import io.kindling.driver.CsvBlobs;
import io.kindling.driver.MnistForTests;
import io.kindling.driver.checkpoint.CheckpointStore;
import io.kindling.driver.checkpoint.ModelWriter;
import io.kindling.driver.job.EpochResult;
import io.kindling.driver.job.JobSpec;
import io.kindling.worker.TinyNets;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class TrainingJobTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);

    @Test
    void learnsRealMnistAbove90PercentInOneEpochOnTwoWorkers() {
        JobSpec spec = spec(MnistForTests.dir(), 1, 6000, 1000, 2, null);
        List<EpochResult> results = new TrainingJob(spec, LocalSpark.context(), out).run();

        EpochResult epoch = results.get(0);
        assertEquals(6000, epoch.train().examples());
        assertEquals(1000, epoch.test().count());
        assertTrue(epoch.test().accuracy() >= 0.90, "accuracy " + epoch.test().accuracy());
        String text = console.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertTrue(Pattern.compile("^Train Epoch: 1 \\[\\d+/6000 \\(\\d+%\\)]\\tLoss: \\d+\\.\\d{6}"
                + "\\t\\d+\\.\\d examples/s\\tETA \\d+:\\d\\d$", Pattern.MULTILINE)
                .matcher(text).find(), text);
        assertTrue(Pattern.compile("^Test set: Average loss: \\d+\\.\\d{4}, Accuracy: \\d+/1000 \\(\\d+%\\)$",
                Pattern.MULTILINE).matcher(text).find(), text);
    }

    @Test
    void aSeededRunRepeatsExactlyDropoutIncluded() {
        SyntheticMnist.write(tmp, 600, 200, 3, false);
        JobSpec spec = spec(tmp.toString(), 2, 0, 0, 2, null);
        List<EpochResult> first = new TrainingJob(spec, LocalSpark.context(), out).run();
        List<EpochResult> second = new TrainingJob(spec, LocalSpark.context(), out).run();
        for (int e = 0; e < 2; e++) {
            assertEquals(first.get(e).test(), second.get(e).test());
            assertEquals(first.get(e).train().meanLoss(), second.get(e).train().meanLoss());
        }
        assertEquals(0.7, first.get(1).lr(), 1e-12);
    }

    @Test
    void savedModelsReloadWithTheAccuracyTheJobReportedOnHdfsAndLocalFiles() throws Exception {
        SyntheticMnist.write(tmp, 640, 300, 5, true);
        for (String uri : List.of(MiniHdfs.uri() + "/models/mnist-cnn.zip", tmp.resolve("out/model.zip").toUri().toString())) {
            List<EpochResult> results = new TrainingJob(spec(tmp.toString(), 1, 0, 0, 2, uri), LocalSpark.context(), out).run();

            Configuration conf = LocalSpark.context().hadoopConfiguration();
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(uri);
            FileSystem fs = path.getFileSystem(conf);
            MultiLayerNetwork restored;
            try (InputStream in = fs.open(path)) {
                restored = ModelSerializer.restoreMultiLayerNetwork(in, true);
            }
            assertEquals(1, fs.listStatus(path.getParent()).length, "no temporary file left beside the model");
            try (InputStream in = fs.open(path)) {
                ModelWriter.Metadata metadata = ModelWriter.read(in);
                assertEquals("1x28x28", metadata.data().shape());
                assertEquals(10, metadata.data().numClasses());
                assertEquals("to_tensor; normalize(0.1307, 0.3081)", metadata.transforms());
            }
            assertEquals(accuracy(restored, tmp), results.get(0).test().accuracy(), 0, uri);
            assertEquals(results.get(0).train().minibatches() / 2, restored.getIterationCount(),
                    "the iteration count advances by the steps of one worker, not of all");
        }
    }

    private static double accuracy(MultiLayerNetwork net, Path dir) {
        MnistSource test = MnistSource.open(dir.toString(), MnistSource.Split.TEST, 0, new Configuration());
        List<Example> examples = new ArrayList<>();
        test.read(new Shard(0, test.size()), new Configuration(), BadRecords.failing()).forEachRemaining(examples::add);
        Example[] all = examples.toArray(new Example[0]);
        INDArray output = net.output(TinyNets.assembler().assemble(examples, 0, all.length, false, 0).getFeatures(),
                false);
        int[] predicted = output.argMax(1).toIntVector();
        int correct = 0;
        for (int i = 0; i < all.length; i++) {
            correct += predicted[i] == all[i].label() ? 1 : 0;
        }
        return (double) correct / all.length;
    }

    @Test
    void aLossThatIsNoLongerANumberStopsTheJobBeforeAnythingIsCheckpointed() throws Exception {
        Path csv = tmp.resolve("blobs.csv");
        CsvBlobs.write(csv, 400, 1);
        String checkpoints = tmp.resolve("ckpt").toString();
        JobSpec spec = JobSpec.builder().dataset("csv").trainData(List.of(csv.toString())).labelColumn("species")
                .model("mlp").hidden(List.of(16)).optimizer("sgd").lr(1e38).epochs(2).workers(2)
                .checkpointDir(checkpoints).build();

        TrainingDiverged e = assertThrows(TrainingDiverged.class,
                () -> new TrainingJob(spec, LocalSpark.context(), out).run());

        assertTrue(e.getMessage().matches("epoch 1, step \\d+: the training loss is (NaN|-?Infinity); stopping.*"),
                e.getMessage());
        assertEquals(List.of(), new CheckpointStore(checkpoints, LocalSpark.context().hadoopConfiguration())
                .list(false));
    }

    private static JobSpec spec(String dataDir, int epochs, int limitTrain, int limitTest, int workers, String saveModel) {
        return JobSpec.builder().dataDir(dataDir).download(false).epochs(epochs).saveModel(saveModel)
                .limitTrain(limitTrain).limitTest(limitTest).workers(workers).build();
    }
}
