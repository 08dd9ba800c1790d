package io.kindling.worker;

import io.kindling.datasets.Example;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One worker's share of an averaging round: load the broadcast model into a pooled network, fit the
 * minibatches of this worker's chunk of the epoch (k of them, or fewer at the end of its slice, the
 * last possibly partial) and report parameters and updater state.
 */
public final class LocalRound {
    private LocalRound() {
    }

    /** Trains on {@code chunk}, the round's examples for this worker in epoch order. */
    public static RoundResult run(WorkerConfig config, RoundState state, List<Example> chunk, int worker) {
        int batch = config.batchSize();
        int minibatches = (chunk.size() + batch - 1) / batch;
        if (minibatches == 0) {
            return RoundResult.empty();
        }
        Backend.useThreads(config.threadsPerTask());
        int device = GpuBinding.bindTaskGpu();
        NetworkPool.PooledNetwork pooled = NetworkPool.borrow(config.modelJson(), config.clipGradNorm(), device);
        try {
            MultiLayerNetwork net = pooled.net();
            pooled.learningRate(state.learningRate());
            load(net, state);
            Nd4j.getRandom().setSeed(TaskSeeds.of(config.seed(), state.epoch(), state.round(), worker));

            MinibatchAssembler assembler = config.assembler();
            int[] trained = config.traceExamples() ? new int[chunk.size()] : null;
            double lossSum = 0;
            long start = System.nanoTime();
            for (int from = 0; from < chunk.size(); from += batch) {
                int to = Math.min(from + batch, chunk.size());
                DataSet minibatch = assembler.assemble(chunk, from, to, true, state.epoch());
                net.fit(minibatch);
                lossSum += net.score() * (to - from);
                if (trained != null) {
                    for (int i = from; i < to; i++) {
                        trained[i] = chunk.get(i).index();
                    }
                }
            }
            long computeNanos = System.nanoTime() - start;
            return new RoundResult(FlatModel.params(net), FlatModel.updaterState(net),
                    chunk.size(), lossSum, minibatches, computeNanos, trained);
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
