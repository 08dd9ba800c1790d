package io.kindling.driver.bench;

import io.kindling.datasets.BadRecords;
import io.kindling.datasets.Example;
import io.kindling.datasets.Permutation;
import io.kindling.datasets.Shard;
import io.kindling.datasets.mnist.MnistSource;
import io.kindling.worker.Backend;
import io.kindling.worker.MinibatchAssembler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The baseline the benchmark compares with: one network, {@code MultiLayerNetwork.fit} on every
 * minibatch of the epoch in one JVM with all cores, the same order as Kindling's first epoch.
 */
public final class PlainFit {
    private PlainFit() {
    }

    /** Trains one epoch in place and returns its wall time in seconds. */
    static double epoch(MultiLayerNetwork net, List<Example> examples, MinibatchAssembler assembler, int batchSize,
                        long seed, int threads) {
        Backend.useThreads(threads);
        List<Example> ordered = firstEpochOrder(examples, seed);
        long start = System.nanoTime();
        for (int from = 0; from < ordered.size(); from += batchSize) {
            net.fit(assembler.assemble(ordered, from, Math.min(from + batchSize, ordered.size()), true, 1));
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** {@code examples} (indices 0..n-1) in the order of Kindling's first epoch with this seed. */
    public static List<Example> firstEpochOrder(List<Example> examples, long seed) {
        Permutation permutation = Permutation.of(examples.size(), seed, 1);
        Example[] order = new Example[examples.size()];
        for (Example e : examples) {
            order[(int) permutation.apply(e.index())] = e;
        }
        return Arrays.asList(order);
    }

    /** Every example of an MNIST split, in file order. */
    public static List<Example> readAll(MnistSource source, Configuration conf) {
        List<Example> all = new ArrayList<>(source.size());
        source.read(new Shard(0, source.size()), conf, BadRecords.failing()).forEachRemaining(all::add);
        return all;
    }
}
