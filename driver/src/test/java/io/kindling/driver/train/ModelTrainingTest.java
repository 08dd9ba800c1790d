package io.kindling.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.BadRecords;
import io.kindling.datasets.Example;
import io.kindling.datasets.mnist.MnistSource;
import io.kindling.datasets.testing.LocalSpark;
import io.kindling.datasets.testing.SyntheticMnist;
import io.kindling.driver.job.EpochResult;
import io.kindling.driver.job.JobSpec;
import io.kindling.driver.job.SchedulerSpec;
import io.kindling.driver.model.ModelFactory;
import io.kindling.driver.model.ModelZoo;
import io.kindling.driver.model.Shape;
import io.kindling.worker.EvalStats;
import io.kindling.worker.TinyNets;
import io.kindling.worker.WorkerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The models, losses, optimisers and schedulers of a job, trained on Spark local[2]. */
class ModelTrainingTest {
    @TempDir
    static Path data;

    private final PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @BeforeAll
    static void writeData() {
        SyntheticMnist.write(data, 640, 200, 41, true);
    }

    @Test
    void everyZooModelLearns() {
        for (String model : ModelZoo.NAMES) {
            List<EpochResult> results = new TrainingJob(spec().model(model).hidden(List.of(64)).build(),
                    LocalSpark.context(), out).run();
            double accuracy = results.get(1).test().accuracy();
            assertTrue(accuracy > 0.5, model + " reached only " + accuracy + " (chance: 0.1)");
        }
    }

    @Test
    void meanSquaredErrorTrainsAndIsReportedAsMse() {
        List<EpochResult> results = new TrainingJob(spec().model("mlp").hidden(List.of(64)).loss("mse").optimizer("sgd")
                .lr(0.1).build(), LocalSpark.context(), out).run();
        EvalStats last = results.get(1).test();
        assertTrue(last.averageLoss() < 0.09, "MSE against one-hot targets, below the 0.09 of predicting 0.1: "
                + last.averageLoss());
        assertTrue(last.accuracy() > 0.5, "accuracy " + last.accuracy());
    }

    @Test
    void aSeededRunWithBatchNormDropout2dAdamPlateauAndClippingRepeatsExactly() throws IOException {
        Path spec = Files.writeString(data.resolve("bn.yaml"), """
                layers:
                  - conv2d: {out_channels: 8, kernel_size: 3}
                  - batchnorm: {}
                  - activation: relu
                  - maxpool2d: 2
                  - dropout2d: 0.2
                  - dense: 32
                  - activation: relu
                  - dropout: 0.3
                  - dense: classes
                """);
        SchedulerSpec plateau = new SchedulerSpec("plateau", 0.7, 1, List.of(), 0, 0, "max", 0.5, 0, 0.5, "rel", 0,
                0, "test_accuracy", null);
        JobSpec job = spec().modelFile(spec.toString()).optimizer("adam").clipGradNorm(1.0).scheduler(plateau)
                .epochs(3).build();

        List<EpochResult> first = new TrainingJob(job, LocalSpark.context(), out).run();
        List<EpochResult> second = new TrainingJob(job, LocalSpark.context(), out).run();

        for (int e = 0; e < 3; e++) {
            assertEquals(first.get(e).lr(), second.get(e).lr());
            assertEquals(first.get(e).train().meanLoss(), second.get(e).train().meanLoss());
            assertEquals(first.get(e).test(), second.get(e).test());
        }
        assertTrue(first.get(2).lr() < first.get(0).lr(), "the plateau scheduler halved the rate: " + first);
        assertTrue(first.get(2).test().accuracy() > 0.5, "learns: " + first.get(2).test());
    }

    @Test
    void evaluationRunsWithDropoutOffSoItIsDeterministic() {
        Configuration conf = new Configuration();
        MultiLayerConfiguration model = ModelFactory.build(spec().build(), Shape.image(1, 28, 28), 10, false, conf)
                .configuration();
        MultiLayerNetwork net = new MultiLayerNetwork(model.clone());
        net.init();
        MnistSource test = MnistSource.open(data.toString(), MnistSource.Split.TEST, 0, conf);
        JavaRDD<Example> rdd = test.rdd(LocalSpark.context(), 2, BadRecords.failing());
        WorkerConfig config = TinyNets.config(model, 64, 1, 1, false);
        try (ParameterAveraging engine = new ParameterAveraging(LocalSpark.context(), config, 2)) {
            EvalStats once = engine.evaluation().evaluate(net.params().toFloatVector(), rdd, 50, "eval");
            EvalStats twice = engine.evaluation().evaluate(net.params().toFloatVector(), rdd, 50, "eval");
            assertEquals(once, twice);
            assertEquals(200, once.count());
        }
    }

    private static JobSpec.Builder spec() {
        return JobSpec.builder().dataDir(data.toString()).download(false).epochs(2).workers(2).logInterval(100);
    }

}
