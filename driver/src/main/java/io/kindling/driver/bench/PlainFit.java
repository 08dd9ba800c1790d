package io.kindling.driver.bench;

import io.kindling.datasets.EpochShuffle;
import io.kindling.datasets.Example;
import io.kindling.datasets.Normalization;
import io.kindling.worker.Backend;
import io.kindling.worker.MinibatchAssembler;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The baseline the benchmark compares with: one network, {@code MultiLayerNetwork.fit} on every
 * minibatch of the epoch in one JVM with all cores, the same order as Kindling's first epoch.
 */
final class PlainFit {
    private PlainFit() {
    }

    /** Trains one epoch in place and returns its wall time in seconds. */
    static double epoch(MultiLayerNetwork net, Example[] examples, int batchSize, long seed, int threads) {
        Backend.useThreads(threads);
        int[] positions = EpochShuffle.positions(examples.length, seed, 1);
        Example[] order = new Example[examples.length];
        for (Example e : examples) {
            order[positions[e.index()]] = e;
        }
        MinibatchAssembler assembler = new MinibatchAssembler(Normalization.MNIST, 10);
        long start = System.nanoTime();
        for (int from = 0; from < order.length; from += batchSize) {
            net.fit(assembler.assemble(order, from, Math.min(from + batchSize, order.length)));
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
