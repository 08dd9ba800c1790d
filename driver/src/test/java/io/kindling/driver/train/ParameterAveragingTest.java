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
import io.kindling.driver.job.EpochStats;
import io.kindling.driver.job.OptimizerSpec;
import io.kindling.driver.job.RoundSplit;
import io.kindling.driver.model.ModelBuilder;
import io.kindling.driver.model.ModelSpec;
import io.kindling.driver.model.Shape;
import io.kindling.worker.FusedNetwork;
import io.kindling.worker.MinibatchAssembler;
import io.kindling.worker.ModelState;
import io.kindling.worker.Networks;
import io.kindling.worker.TinyNets;
import io.kindling.worker.WorkerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.BlockId;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.AdaDelta;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The engine's defining equivalences, coverage of every example, and what segments and task counts
 * must not change, on local[2]: the same barrier stages and BlockManager exchange as on a cluster.
 */
class ParameterAveragingTest {
    private static final long SEED = 17;
    private static final int BATCH = 64;
    /** Tasks of one executor push blocks through the socket, as tasks of different executors do. */
    private static final java.util.Map<String, String> OVER_THE_NETWORK =
            java.util.Map.of(io.kindling.worker.exchange.PeerTransport.HAND_OVER, "false");

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
        List<RoundStats> rounds = new ArrayList<>();

        try (ParameterAveraging engine = new ParameterAveraging(LocalSpark.context(), config(conf, 1), 1)) {
            EpochStats stats = engine.trainEpoch(model, rdd(examples), n, 1, lr, false, 0, new RoundListener() {
                @Override
                public void onRound(int epoch, RoundStats round) {
                    rounds.add(round);
                }
            });
            assertEquals(20, stats.rounds());
            assertEquals(n, stats.examples());
            assertEquals(1, stats.segments(), "an epoch shorter than a minute is one segment");
            RoundSplit split = stats.split();
            assertEquals(stats.computeSeconds(), split.compute(), 1e-9);
            assertTrue(split.exchange() > 0 && split.segments() > 0, split.toString());
            assertTrue(split.total() + stats.shuffleSeconds() <= stats.seconds() + 1e-6, split + " within " + stats);
        }
        assertEquals(20, rounds.size());
        for (int r = 0; r < 20; r++) {
            RoundStats round = rounds.get(r);
            assertEquals(r, round.round());
            assertEquals((r + 1) * BATCH, round.epochExamples());
            assertEquals(r + 1, round.epochMinibatches());
            assertTrue(round.seconds() >= round.computeSeconds(), round.toString());
        }

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
        assertAveragesLocalModels(TinyNets.mlp(new Adam(0.01)), 2);
    }

    @Test
    void threeWorkersOnTwoTaskSlotsAverageAsThreeLocalModels() {
        assertAveragesLocalModels(TinyNets.mlp(new Adam(0.01)), 3);
    }

    @Test
    void aModelTooLargeToAverageWholeIsAveragedInSlicesOfSeveralPieces() {
        // More than two tasks average whole, so each averages one slice (of five blocks) and gathers the other.
        assertAveragesLocalModels(LocalSpark.context(), largeModel(), 2);
    }

    @Test
    void threeTasksAverageInThreeSlicesWhetherTheyHostOneWorkerOrSeveral() {
        // Each task averages one slice and gathers two: with one worker per task its contribution is
        // published in place; with four workers on three slots, one task hosts two and copies theirs.
        try {
            assertAveragesLocalModels(LocalSpark.context(3), largeModel(), 3);
            assertAveragesLocalModels(LocalSpark.context(3), largeModel(), 4);
        } finally {
            LocalSpark.stop();
        }
    }

    @Test
    void tasksOfOneExecutorPushingThroughTheSocketAverageAsLocalModelsToo() {
        // The path between executors: values pushed in place, averaged into the model, averages
        // pushed from it and landing in the peers' models, whole and in slices.
        try {
            assertAveragesLocalModels(LocalSpark.context(2, OVER_THE_NETWORK), TinyNets.mlp(new Adam(0.01)), 2);
            assertAveragesLocalModels(LocalSpark.context(2, OVER_THE_NETWORK), wholeInPieces(), 2);
            assertAveragesLocalModels(LocalSpark.context(2, OVER_THE_NETWORK), largeModel(), 2);
            assertAveragesLocalModels(LocalSpark.context(3, OVER_THE_NETWORK), largeModel(), 3);
            assertAveragesLocalModels(LocalSpark.context(3, OVER_THE_NETWORK), largeModel(), 4);
        } finally {
            LocalSpark.stop();
        }
    }

    @Test
    void manyRoundsOverTheNetworkGiveTheBitsOfBlocksHandedOver() {
        int n = 1000;
        List<Example> examples = TinyNets.examples(n, 4);
        for (MultiLayerConfiguration conf : List.of(TinyNets.mlp(new Adam(0.01)), wholeInPieces(), largeModel())) {
            MultiLayerNetwork start = newNet(conf);
            ModelState handedOver = ModelState.of(start);
            ModelState pushed = ModelState.of(start);
            try {
                for (ModelState model : List.of(handedOver, pushed)) {
                    JavaSparkContext sc = model == pushed ? LocalSpark.context(2, OVER_THE_NETWORK)
                            : LocalSpark.context();
                    try (ParameterAveraging engine = new ParameterAveraging(sc, config(conf, 2), 2)) {
                        for (int epoch = 1; epoch <= 2; epoch++) {
                            EpochStats stats = engine.trainEpoch(model, rdd(sc, examples), n, epoch, 0.01, false, 0,
                                    RoundListener.NONE);
                            assertEquals(4, stats.rounds());
                        }
                    }
                    assertNoExchangeLeft();
                }
            } finally {
                LocalSpark.stop();
            }
            assertArrayEquals(handedOver.params(), pushed.params());
            assertArrayEquals(handedOver.updaterState(), pushed.updaterState());
            assertEquals(handedOver.iteration(), pushed.iteration());
        }
    }

    @Test
    void severalRoundsEqualLocalRunsFromTheLastRoundsAverage() {
        // Each round starts from the last one's average, optimiser state and iteration included:
        // whole and in slices, on the fused path and DL4J's (ELU, Adadelta), handed over and
        // through the socket.
        MultiLayerConfiguration dl4jPath = new NeuralNetConfiguration.Builder().seed(12).updater(new AdaDelta()).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(24).activation(Activation.ELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
        assertFalse(((FusedNetwork) newNet(dl4jPath)).fused());
        try {
            for (MultiLayerConfiguration conf : List.of(TinyNets.mlp(new Adam(0.01)), largeModel(), dl4jPath)) {
                assertRoundsAverageLocalRuns(LocalSpark.context(), conf);
                assertRoundsAverageLocalRuns(LocalSpark.context(2, OVER_THE_NETWORK), conf);
            }
        } finally {
            LocalSpark.stop();
        }
    }

    /** Two workers, one minibatch a round, four rounds (the last chunk partial), against local runs. */
    private void assertRoundsAverageLocalRuns(JavaSparkContext sc, MultiLayerConfiguration conf) {
        int workers = 2;
        int rounds = 4;
        int n = workers * rounds * BATCH - 10;
        List<Example> examples = TinyNets.examples(n, 5);
        MultiLayerNetwork start = newNet(conf);
        ModelState model = ModelState.of(start);
        try (ParameterAveraging engine = new ParameterAveraging(sc, config(conf, 1), workers)) {
            assertEquals(rounds, engine.trainEpoch(model, rdd(sc, examples), n, 1, 0.01, false, 0,
                    RoundListener.NONE).rounds());
        }
        assertNoExchangeLeft();

        List<Example> order = epochOrder(examples, 1);
        MinibatchAssembler assembler = TinyNets.assembler();
        List<Shard> shards = Shard.split(n, workers);
        float[] params = start.params().toFloatVector();
        float[] state = start.getUpdater().getStateViewArray().toFloatVector();
        for (int r = 0; r < rounds; r++) {
            float[][] localParams = new float[workers][];
            float[][] localStates = new float[workers][];
            long[] weights = new long[workers];
            for (int w = 0; w < workers; w++) {
                MultiLayerNetwork local = newNet(conf);
                local.params().assign(Nd4j.createFromArray(params));
                local.getUpdater().getStateViewArray().assign(Nd4j.createFromArray(state));
                local.setIterationCount(r);
                Shard s = shards.get(w);
                int from = s.first() + r * BATCH;
                int to = Math.min(from + BATCH, s.first() + s.count());
                local.fit(assembler.assemble(order, from, to, true, 1));
                weights[w] = to - from;
                localParams[w] = local.params().toFloatVector();
                localStates[w] = local.getUpdater().getStateViewArray().toFloatVector();
            }
            params = weightedMean(localParams, weights);
            state = weightedMean(localStates, weights);
        }
        assertTrue(maxAbsDiff(params, model.params()) <= 1e-5, "params differ by " + maxAbsDiff(params, model.params()));
        assertTrue(maxAbsDiff(state, model.updaterState()) <= 1e-5,
                "updater state differs by " + maxAbsDiff(state, model.updaterState()));
        assertEquals(rounds, model.iteration());
    }

    /**
     * 101 770 parameters and twice as many Adam moments: two tasks average it whole, pushed in two
     * pieces, and overwrite it with the average once the pushes have completed.
     */
    private static MultiLayerConfiguration wholeInPieces() {
        return mlp(128);
    }

    /** 874 410 parameters and twice as many Adam moments: above what two tasks average whole. */
    private static MultiLayerConfiguration largeModel() {
        return mlp(1100);
    }

    /** 784-{@code hidden}-10 under Adam. */
    private static MultiLayerConfiguration mlp(int hidden) {
        return new NeuralNetConfiguration.Builder().seed(12).updater(new Adam(0.01)).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(hidden).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
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
        assertAveragesLocalModels(conf, 2);
    }

    /** One round in which every worker fits its whole slice equals the weighted mean of local runs. */
    private void assertAveragesLocalModels(MultiLayerConfiguration conf, int workers) {
        assertAveragesLocalModels(LocalSpark.context(), conf, workers);
    }

    private void assertAveragesLocalModels(JavaSparkContext sc, MultiLayerConfiguration conf, int workers) {
        int n = 351; // uneven slices of three minibatches each, the last ones partial
        List<Example> examples = TinyNets.examples(n, 8);
        MultiLayerNetwork start = newNet(conf);
        ModelState model = ModelState.of(start);

        try (ParameterAveraging engine = new ParameterAveraging(sc, config(conf, 3), workers)) {
            assertEquals(1, engine.roundsPerEpoch(n));
            engine.trainEpoch(model, rdd(sc, examples), n, 1, 0.01, false, 0, RoundListener.NONE);
        }

        List<Example> order = epochOrder(examples, 1);
        MinibatchAssembler assembler = TinyNets.assembler();
        List<Shard> slices = Shard.split(n, workers);
        float[][] params = new float[workers][];
        float[][] updater = new float[workers][];
        for (int w = 0; w < workers; w++) {
            MultiLayerNetwork local = newNet(conf);
            local.params().assign(start.params());
            Shard s = slices.get(w);
            for (int from = s.first(); from < s.first() + s.count(); from += BATCH) {
                local.fit(assembler.assemble(order, from, Math.min(from + BATCH, s.first() + s.count()), true, 1));
            }
            params[w] = local.params().toFloatVector();
            updater[w] = local.getUpdater().getStateViewArray().toFloatVector();
        }
        long[] weights = slices.stream().mapToLong(Shard::count).toArray();
        assertTrue(maxAbsDiff(weightedMean(params, weights), model.params()) <= 1e-5, "params differ");
        assertTrue(maxAbsDiff(weightedMean(updater, weights), model.updaterState()) <= 1e-5, "updater state differs");
        assertEquals(workers == 2 ? 3 : 2, model.iteration());
        assertNoExchangeLeft();
    }

    @Test
    void localOptimizerStatesAreAveragedOnlyAtTheEpochsEnd() {
        int n = 1000;
        int k = 2;
        int workers = 2;
        MultiLayerConfiguration conf = TinyNets.mlp(new Adam(0.01));
        List<Example> examples = TinyNets.examples(n, 9);
        MultiLayerNetwork start = newNet(conf);
        ModelState model = ModelState.of(start);
        ParameterAveraging.Settings local = new ParameterAveraging.Settings(60, false);
        try (ParameterAveraging engine = new ParameterAveraging(LocalSpark.context(), config(conf, k), workers, local)) {
            EpochStats stats = engine.trainEpoch(model, rdd(examples), n, 1, 0.01, false, 0, RoundListener.NONE);
            assertEquals(1, stats.segments(), "with local states an epoch is one segment");
        }

        // Per round: each worker fits its chunk from the averaged parameters and its own updater state.
        List<Example> order = epochOrder(examples, 1);
        MinibatchAssembler assembler = TinyNets.assembler();
        List<Shard> slices = Shard.split(n, workers);
        MultiLayerNetwork[] nets = {newNet(conf), newNet(conf)};
        float[] averaged = start.params().toFloatVector();
        long[] trained = new long[workers];
        int iteration = 0;
        for (int from = 0; from < slices.get(0).count(); from += k * BATCH) {
            float[][] params = new float[workers][];
            long[] weights = new long[workers];
            int steps = 0;
            for (int w = 0; w < workers; w++) {
                MultiLayerNetwork net = nets[w];
                net.params().assign(Nd4j.create(averaged, new long[] {1, averaged.length}, 'c'));
                net.setIterationCount(iteration);
                Shard s = slices.get(w);
                int end = Math.min(s.first() + from + k * BATCH, s.first() + s.count());
                for (int b = s.first() + from; b < end; b += BATCH) {
                    net.fit(assembler.assemble(order, b, Math.min(b + BATCH, end), true, 1));
                }
                params[w] = net.params().toFloatVector();
                weights[w] = Math.max(0, end - (s.first() + from));
                trained[w] += weights[w];
                steps = Math.max(steps, net.getIterationCount() - iteration);
            }
            averaged = weightedMean(params, weights);
            iteration += steps;
        }
        float[][] states = {nets[0].getUpdater().getStateViewArray().toFloatVector(),
            nets[1].getUpdater().getStateViewArray().toFloatVector()};
        assertTrue(maxAbsDiff(averaged, model.params()) <= 1e-5, "params differ");
        assertTrue(maxAbsDiff(weightedMean(states, trained), model.updaterState()) <= 1e-5, "updater states differ");
        assertEquals(iteration, model.iteration());
    }

    @Test
    void segmentBoundariesDoNotChangeTheBitsAndSeededRunsRepeat() {
        int n = 1000;
        MultiLayerConfiguration conf = TinyNets.mlp(new Adam(0.01));
        List<Example> examples = TinyNets.examples(n, 4);
        MultiLayerNetwork start = newNet(conf);
        ModelState[] models = {ModelState.of(start), ModelState.of(start), ModelState.of(start)};
        ParameterAveraging.Settings roundBySegment = new ParameterAveraging.Settings(0, true);
        try (ParameterAveraging a = new ParameterAveraging(LocalSpark.context(), config(conf, 2), 3);
             ParameterAveraging b = new ParameterAveraging(LocalSpark.context(), config(conf, 2), 3, roundBySegment);
             ParameterAveraging c = new ParameterAveraging(LocalSpark.context(), config(conf, 2), 3)) {
            for (int epoch = 1; epoch <= 2; epoch++) {
                EpochStats stats = a.trainEpoch(models[0], rdd(examples), n, epoch, 0.01, false, 0, RoundListener.NONE);
                EpochStats one = b.trainEpoch(models[1], rdd(examples), n, epoch, 0.01, false, 0, RoundListener.NONE);
                c.trainEpoch(models[2], rdd(examples), n, epoch, 0.01, false, 0, RoundListener.NONE);
                assertEquals(n, stats.examples());
                assertEquals(one.rounds(), one.segments(), "one round per segment");
                assertEquals(stats.meanLoss(), one.meanLoss());
            }
        }
        for (ModelState other : List.of(models[1], models[2])) {
            assertArrayEquals(models[0].params(), other.params());
            assertArrayEquals(models[0].updaterState(), other.updaterState());
            assertEquals(models[0].iteration(), other.iteration());
        }
        assertNoExchangeLeft();
    }

    @Test
    void everyExampleIsTrainedExactlyOncePerEpochWithUnevenWorkers() {
        int n = 1000;
        MultiLayerConfiguration conf = TinyNets.mlp(new Sgd(0.01));
        List<Example> examples = TinyNets.examples(n, 5);
        ModelState model = ModelState.of(newNet(conf));
        WorkerConfig traced = TinyNets.config(conf, BATCH, 5, SEED, true);
        List<int[]> epochs = new ArrayList<>();

        try (ParameterAveraging engine = new ParameterAveraging(LocalSpark.context(), traced, 3,
                new ParameterAveraging.Settings(0, true))) {
            for (int epoch = 1; epoch <= 2; epoch++) {
                List<Integer> trained = new ArrayList<>();
                EpochStats stats = engine.trainEpoch(model, rdd(examples), n, epoch, 0.01, false, 0,
                        new RoundListener() {
                            @Override
                            public void onTrained(int e, int[] indices) {
                                for (int i : indices) {
                                    trained.add(i);
                                }
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
    void aFailingTaskEndsTheEpochWithItsErrorAndLeavesNothingBehind() {
        int n = 1000;
        MultiLayerConfiguration conf = TinyNets.mlp(new Sgd(0.01));
        List<Example> examples = new ArrayList<>(TinyNets.examples(n, 6));
        examples.set(500, Example.image(500, 3, new byte[5])); // not 28 x 28
        ModelState model = ModelState.of(newNet(conf));
        List<String> retries = new ArrayList<>();
        try (ParameterAveraging engine = new ParameterAveraging(LocalSpark.context(), config(conf, 2), 2)) {
            RuntimeException failure = assertThrows(RuntimeException.class, () -> engine.trainEpoch(model,
                    rdd(examples), n, 1, 0.01, false, 0, new RoundListener() {
                        @Override
                        public void onRetry(int epoch, int first, int end, String reason, int attempt, int attempts) {
                            retries.add(reason);
                        }
                    }));
            assertTrue(String.valueOf(failure.getMessage()).contains("Index 5 out of bounds for length 5"),
                    failure.toString()); // the bad example's task failure
            assertEquals(List.of(), retries, "the job's own error is not retried");
            assertEquals(0, LocalSpark.context().statusTracker().getActiveJobIds().length);
            EpochStats stats = engine.trainEpoch(model, rdd(TinyNets.examples(n, 6)), n, 1, 0.01, false, 0,
                    RoundListener.NONE);
            assertEquals(n, stats.examples(), "the context still trains");
        }
        assertNoExchangeLeft();
    }

    /**
     * Every task closed its end of the exchange: no block it handed to another task of the (driver's,
     * here the only) executor is left in the BlockManager, and its server's and clients' I/O threads
     * (named after the transport's module: boss, server, client) stop within Netty's graceful
     * shutdown, a few seconds.
     */
    private static void assertNoExchangeLeft() {
        int blocks = SparkEnv.get().blockManager().getMatchingBlockIds(new scala.runtime.AbstractFunction1<BlockId, Object>() {
            @Override
            public Object apply(BlockId id) {
                return id.name().startsWith("test_kindling-");
            }
        }).size();
        assertEquals(0, blocks, "blocks handed between tasks of the executor are all taken or dropped");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        List<String> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                    .filter(n -> n.startsWith("kindling-server") || n.startsWith("kindling-client")
                            || n.startsWith("kindling-boss")).toList();
            if (left.isEmpty()) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("exchange threads still running after 30 s: " + left);
    }

    private static WorkerConfig config(MultiLayerConfiguration conf, int k) {
        return TinyNets.config(conf, BATCH, k, SEED, false);
    }

    private static JavaRDD<Example> rdd(List<Example> examples) {
        return rdd(LocalSpark.context(), examples);
    }

    private static JavaRDD<Example> rdd(JavaSparkContext sc, List<Example> examples) {
        return sc.parallelize(examples, 3);
    }

    // The workers' network (their kernels, and the fused dense path where it applies): a rounding
    // difference in a gradient that should be zero (a convolution's bias before batch norm) becomes a
    // full step under Adam, so the reference must compute as they do.
    private static MultiLayerNetwork newNet(MultiLayerConfiguration conf) {
        return Networks.of(conf.clone());
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

    private static float[] weightedMean(float[][] values, long[] weights) {
        float[] mean = new float[values[0].length];
        double total = Arrays.stream(weights).sum();
        for (int i = 0; i < mean.length; i++) {
            double sum = 0;
            for (int w = 0; w < values.length; w++) {
                sum += (double) values[w][i] * weights[w];
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
