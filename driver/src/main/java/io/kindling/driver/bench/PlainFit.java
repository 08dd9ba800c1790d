package io.kindling.driver.bench;

import io.kindling.datasets.Example;
import io.kindling.datasets.Permutation;
import io.kindling.worker.Backend;
import io.kindling.worker.MinibatchAssembler;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The baseline the benchmark compares with: one network, {@code MultiLayerNetwork.fit} on every
 * minibatch of the epoch in one JVM with all cores, the same order as Kindling's first epoch.
 */
final class PlainFit {
    private PlainFit() {
    }

    /** Trains one epoch in place and returns its wall time in seconds. */
    static double epoch(MultiLayerNetwork net, List<Example> examples, MinibatchAssembler assembler, int batchSize,
                        long seed, int threads) {
        Backend.useThreads(threads);
        Permutation permutation = Permutation.of(examples.size(), seed, 1);
        Example[] order = new Example[examples.size()];
        for (Example e : examples) {
            order[(int) permutation.apply(e.index())] = e;
        }
        List<Example> ordered = Arrays.asList(order);
        long start = System.nanoTime();
        for (int from = 0; from < order.length; from += batchSize) {
            net.fit(assembler.assemble(ordered, from, Math.min(from + batchSize, order.length), true, 1));
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
