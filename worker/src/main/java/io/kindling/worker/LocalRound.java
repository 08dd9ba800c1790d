package io.kindling.worker;

import io.kindling.datasets.Example;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One worker's share of an averaging round: load the broadcast model into a pooled network, fit
 * the next k minibatches of this worker's slice of the epoch, and report parameters and updater
 * state. Minibatch b of a slice holds examples [b·B, min((b+1)·B, n)), so a last partial minibatch
 * is trained too.
 */
public final class LocalRound {
    private LocalRound() {
    }

    /** Minibatches in a slice of {@code examples} examples. */
    public static int minibatches(int examples, int batchSize) {
        return (examples + batchSize - 1) / batchSize;
    }

    public static RoundResult run(WorkerConfig config, RoundState state, Example[] slice, int worker) {
        int batch = config.batchSize();
        int first = state.round() * config.averagingFrequency();
        int end = Math.min(first + config.averagingFrequency(), minibatches(slice.length, batch));
        if (first >= end) {
            return RoundResult.empty();
        }
        Backend.useThreads(config.threadsPerTask());
        NetworkPool.PooledNetwork pooled = NetworkPool.borrow(config.modelJson(), config.clipGradNorm());
        try {
            MultiLayerNetwork net = pooled.net();
            pooled.learningRate(state.learningRate());
            load(net, state);
            Nd4j.getRandom().setSeed(TaskSeeds.of(config.seed(), state.epoch(), state.round(), worker));

            MinibatchAssembler assembler = new MinibatchAssembler(config.normalization(), config.numClasses());
            int[] trained = config.traceExamples() ? new int[Math.min(slice.length, end * batch) - first * batch] : null;
            long examples = 0;
            double lossSum = 0;
            long start = System.nanoTime();
            for (int b = first; b < end; b++) {
                int from = b * batch;
                int to = Math.min(from + batch, slice.length);
                DataSet minibatch = assembler.assemble(slice, from, to);
                net.fit(minibatch);
                lossSum += net.score() * (to - from);
                if (trained != null) {
                    for (int i = from; i < to; i++) {
                        trained[(int) examples + i - from] = slice[i].index();
                    }
                }
                examples += to - from;
            }
            long computeNanos = System.nanoTime() - start;
            return new RoundResult(net.params().toFloatVector(), FlatModel.updaterState(net),
                    examples, lossSum, end - first, computeNanos, trained);
        } finally {
            NetworkPool.giveBack(pooled);
        }
    }

    /** Copies the broadcast parameters, updater state and counters into {@code net}. */
    static void load(MultiLayerNetwork net, RoundState state) {
        FlatModel.setParams(net, state.params());
        FlatModel.setUpdaterState(net, state.updaterState());
        net.setIterationCount(state.iteration());
        net.setEpochCount(state.epoch() - 1);
    }
}
