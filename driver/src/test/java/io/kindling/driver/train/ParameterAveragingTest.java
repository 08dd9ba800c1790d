package io.kindling.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.Example;
import io.kindling.datasets.Permutation;
import io.kindling.datasets.Shard;
import io.kindling.datasets.testing.LocalSpark;
import io.kindling.worker.InProcessExchange;
import io.kindling.worker.MinibatchAssembler;
import io.kindling.worker.NetworkPool;
import io.kindling.worker.TinyNets;
import io.kindling.worker.WorkerConfig;
import io.kindling.worker.layers.CpuKernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import io.kindling.driver.model.ModelBuilder;
import io.kindling.driver.model.ModelSpec;
import io.kindling.driver.model.OptimizerSpec;
import io.kindling.driver.model.Shape;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;

/** The engine's two defining equivalences, coverage of every example, and network reuse, on local[2]. */
class ParameterAveragingTest {
    private static final long SEED = 17;
    private static final int BATCH = 64;

    @Test
    void oneWorkerAveragingEveryStepEqualsPlainFitWithSgd() {
        assertOneWorkerEqualsPlainFit(new Sgd(0.1), 0.1);
    }

    @Test
    void oneWorkerAveragingEveryStepEqualsPlainFitWithAdam() {
        assertOneWorkerEqualsPlainFit(new Adam(0.005), 0.005);
    }

    private void assertOneWorkerEqualsPlainFit(IUpdater updater, double lr) {
        int n = 20 * BATCH;
        MultiLayerConfiguration conf = TinyNets.mlp(updater);
        List<Example> examples = TinyNets.examples(n, 3);
        MultiLayerNetwork start = newNet(conf);
        ModelState model = ModelState.of(start);
        int builtBefore = NetworkPool.built();

        try (ParameterAveraging engine = new ParameterAveraging(LocalSpark.context(), config(conf, 1), 1)) {
            EpochStats stats = engine.trainEpoch(model, rdd(examples), n, 1, lr, false, 0, RoundListener.NONE);
            assertEquals(20, stats.rounds());
            assertEquals(n, stats.examples());
            RoundSplit split = stats.split();
            assertEquals(stats.computeSeconds(), split.compute(), 1e-9);
            assertTrue(split.broadcast() > 0 && split.aggregation() > 0 && split.averaging() > 0, split.toString());
            assertTrue(split.total() <= stats.seconds() + 1e-6, split + " within " + stats.seconds() + " s");
        }
        assertTrue(NetworkPool.built() - builtBefore <= 1, "the network is built once, not once per round");

        MultiLayerNetwork plain = newNet(conf);
        plain.params().assign(start.params());
        List<Example> order = epochOrder(examples, 1);
        MinibatchAssembler assembler = TinyNets.assembler();
        for (int b = 0; b < 20; b++) {
            plain.fit(assembler.assemble(order, b * BATCH, (b + 1) * BATCH, true, 1));
        }
        assertEquals(20, model.iteration());
        assertTrue(maxAbsDiff(plain.params().toFloatVector(), model.params()) <= 1e-6,
                "max abs diff " + maxAbsDiff(plain.params().toFloatVector(), model.params()));
    }

    @Test
    void twoWorkersAverageTheirLocalModelsWeightedByExamples() {
        assertAveragesLocalModels(TinyNets.mlp(new Adam(0.01)));
    }

    @Test
    void batchNormRunningStatisticsAreAveragedWithTheParameters() {
        ModelSpec spec = ModelSpec.parse("""
                layers:
                  - conv2d: {out_channels: 4, kernel_size: 5, stride: 2}
                  - batchnorm: {}
                  - activation: relu
                  - dense: 16
                  - batchnorm: {}
                  - dense: classes
                """, "bn", "test");
        MultiLayerConfiguration conf = ModelBuilder.build(spec, Shape.image(1, 28, 28), 10,
                new OptimizerSpec("adam", 0.01, 0, false, 0, 0), 5).configuration();
        MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
        net.init();
        assertTrue(net.paramTable().containsKey("1_mean") && net.paramTable().containsKey("1_var"),
                "running statistics are part of the parameters: " + net.paramTable().keySet());
        assertAveragesLocalModels(conf);
    }

    private void assertAveragesLocalModels(MultiLayerConfiguration conf) {
        int n = 351; // slices of 175 and 176 examples: three minibatches each, the last ones partial
        List<Example> examples = TinyNets.examples(n, 8);
        MultiLayerNetwork start = newNet(conf);
        ModelState model = ModelState.of(start);

        try (ParameterAveraging engine = new ParameterAveraging(LocalSpark.context(), config(conf, 3), 2)) {
            assertEquals(1, engine.roundsPerEpoch(n));
            engine.trainEpoch(model, rdd(examples), n, 1, 0.01, false, 0, RoundListener.NONE);
        }

        List<Example> order = epochOrder(examples, 1);
        MinibatchAssembler assembler = TinyNets.assembler();
        List<Shard> slices = Shard.split(n, 2);
        float[][] params = new float[2][];
        float[][] updater = new float[2][];
        for (int w = 0; w < 2; w++) {
            MultiLayerNetwork local = newNet(conf);
            local.params().assign(start.params());
            Shard s = slices.get(w);
            for (int from = s.first(); from < s.first() + s.count(); from += BATCH) {
                local.fit(assembler.assemble(order, from, Math.min(from + BATCH, s.first() + s.count()), true, 1));
            }
            params[w] = local.params().toFloatVector();
            updater[w] = local.getUpdater().getStateViewArray().toFloatVector();
        }
        float[] expectedParams = weightedMean(params, slices);
        float[] expectedUpdater = weightedMean(updater, slices);
        assertTrue(maxAbsDiff(expectedParams, model.params()) <= 1e-5, "params differ");
        assertTrue(maxAbsDiff(expectedUpdater, model.updaterState()) <= 1e-5, "updater state differs");
        assertEquals(3, model.iteration());
    }

    @Test
    void everyExampleIsTrainedExactlyOncePerEpochWithUnevenWorkers() {
        int n = 1000;
        MultiLayerConfiguration conf = TinyNets.mlp(new Sgd(0.01));
        List<Example> examples = TinyNets.examples(n, 5);
        ModelState model = ModelState.of(newNet(conf));
        WorkerConfig traced = TinyNets.config(conf, BATCH, 5, SEED, true);
        List<int[]> epochs = new ArrayList<>();

        try (ParameterAveraging engine = new ParameterAveraging(LocalSpark.context(), traced, 3)) {
            for (int epoch = 1; epoch <= 2; epoch++) {
                List<Integer> trained = new ArrayList<>();
                EpochStats stats = engine.trainEpoch(model, rdd(examples), n, epoch, 0.01, false, 0,
                        (e, round, rounds, result, seconds) -> {
                            for (int i : result.trainedIndices()) {
                                trained.add(i);
                            }
                        });
                assertEquals(n, stats.examples());
                assertEquals(18, stats.minibatches()); // 334, 333 and 333 examples: 6 minibatches each
                epochs.add(trained.stream().mapToInt(Integer::intValue).toArray());
            }
        }
        for (int[] trained : epochs) {
            int[] sorted = trained.clone();
            Arrays.sort(sorted);
            assertArrayEquals(java.util.stream.IntStream.range(0, n).toArray(), sorted);
        }
        assertFalse(Arrays.equals(epochs.get(0), epochs.get(1)), "each epoch reshuffles");
    }

    @Test
    void aDryRunTrainsOneRound() {
        int n = 1000;
        MultiLayerConfiguration conf = TinyNets.mlp(new Sgd(0.01));
        ModelState model = ModelState.of(newNet(conf));
        try (ParameterAveraging engine = new ParameterAveraging(LocalSpark.context(), config(conf, 2), 2)) {
            EpochStats stats = engine.trainEpoch(model, rdd(TinyNets.examples(n, 5)), n, 1, 0.01, false, 1,
                    RoundListener.NONE);
            assertEquals(1, stats.rounds());
            assertEquals(4 * BATCH, stats.examples());
        }
    }

    @Test
    void roundsInProcessGiveTheSameBitsAsBroadcastRounds() {
        int n = 1000; // three workers: a merge tree of two levels
        MultiLayerConfiguration conf = TinyNets.mlp(new Adam(0.01));
        List<Example> examples = TinyNets.examples(n, 4);
        MultiLayerNetwork start = newNet(conf);
        ModelState inProcess = ModelState.of(start);
        ModelState broadcast = ModelState.of(start);
        assertTrue(ParameterAveraging.inProcessRounds(LocalSpark.context()), "the default under local[2]");
        try (ParameterAveraging a = new ParameterAveraging(LocalSpark.context(), config(conf, 2), 3, true);
             ParameterAveraging b = new ParameterAveraging(LocalSpark.context(), config(conf, 2), 3, false)) {
            for (int epoch = 1; epoch <= 2; epoch++) {
                EpochStats stats = a.trainEpoch(inProcess, rdd(examples), n, epoch, 0.01, false, 0, RoundListener.NONE);
                b.trainEpoch(broadcast, rdd(examples), n, epoch, 0.01, false, 0, RoundListener.NONE);
                assertEquals(n, stats.examples());
                assertTrue(stats.shuffleSeconds() > 0 && stats.shuffleSeconds() < stats.seconds(), stats.toString());
            }
        }
        assertArrayEquals(broadcast.params(), inProcess.params());
        assertArrayEquals(broadcast.updaterState(), inProcess.updaterState());
        assertEquals(broadcast.iteration(), inProcess.iteration());
        assertEquals(0, InProcessExchange.size(), "every round removes what it handed over");
    }

    @Test
    void aFailingRoundStopsTheEpochAndTheRoundSubmittedBehindIt() throws InterruptedException {
        int n = 1000;
        MultiLayerConfiguration conf = TinyNets.mlp(new Sgd(0.01));
        List<Example> examples = new ArrayList<>(TinyNets.examples(n, 6));
        examples.set(500, Example.image(500, 3, new byte[5])); // not 28 x 28
        ModelState model = ModelState.of(newNet(conf));
        try (ParameterAveraging engine = new ParameterAveraging(LocalSpark.context(), config(conf, 2), 2, true)) {
            RuntimeException failure = assertThrows(RuntimeException.class, () -> engine.trainEpoch(model,
                    rdd(examples), n, 1, 0.01, false, 0, RoundListener.NONE));
            assertTrue(String.valueOf(failure.getMessage()).contains("Index 5 out of bounds for length 5"),
                    failure.toString()); // the bad example's task failure
            // The next round's job, already waiting for its state, is cancelled and its tasks end.
            for (int i = 0; i < 100 && LocalSpark.context().statusTracker().getActiveJobIds().length > 0; i++) {
                Thread.sleep(50);
            }
            assertEquals(0, LocalSpark.context().statusTracker().getActiveJobIds().length);
            assertEquals(0, InProcessExchange.size());
            EpochStats stats = engine.trainEpoch(model, rdd(TinyNets.examples(n, 6)), n, 1, 0.01, false, 0,
                    RoundListener.NONE);
            assertEquals(n, stats.examples(), "the context still trains");
        }
    }

    private static WorkerConfig config(MultiLayerConfiguration conf, int k) {
        return TinyNets.config(conf, BATCH, k, SEED, false);
    }

    private static JavaRDD<Example> rdd(List<Example> examples) {
        return LocalSpark.context().parallelize(examples, 3);
    }

    // With the workers' kernels: a rounding difference in a gradient that should be zero (a convolution's
    // bias before batch norm) becomes a full step under Adam, so the reference must compute as they do.
    private static MultiLayerNetwork newNet(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
        net.init();
        CpuKernels.install(net);
        return net;
    }

    /** The examples in the order the engine's epoch shuffle puts them. */
    private static List<Example> epochOrder(List<Example> examples, int epoch) {
        Permutation permutation = Permutation.of(examples.size(), SEED, epoch);
        Example[] order = new Example[examples.size()];
        for (Example e : examples) {
            order[(int) permutation.apply(e.index())] = e;
        }
        return Arrays.asList(order);
    }

    private static float[] weightedMean(float[][] values, List<Shard> weights) {
        float[] mean = new float[values[0].length];
        double total = 0;
        for (Shard s : weights) {
            total += s.count();
        }
        for (int i = 0; i < mean.length; i++) {
            double sum = 0;
            for (int w = 0; w < values.length; w++) {
                sum += (double) values[w][i] * weights.get(w).count();
            }
            mean[i] = (float) (sum / total);
        }
        return mean;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
