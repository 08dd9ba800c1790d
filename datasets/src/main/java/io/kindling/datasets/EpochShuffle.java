package io.kindling.datasets;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * The global reshuffle of an epoch, like PyTorch's DistributedSampler: a seeded permutation of all
 * examples, cut into one contiguous slice per worker ({@link Shard#split} bounds). The examples move
 * to their worker through a Spark shuffle; each partition of the result is one worker's slice, in
 * permutation order, as a single array.
 */
public final class EpochShuffle {
    private EpochShuffle() {
    }

    /** {@code positions[i]} is where example {@code i} comes in this epoch's order. */
    public static int[] positions(int n, long seed, int epoch) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] positions = new int[n];
        for (int p = 0; p < n; p++) {
            positions[order[p]] = p;
        }
        return positions;
    }

    /** The epoch's slices: partition w holds worker w's examples. Example indices must be in [0, n). */
    public static JavaRDD<Example[]> slices(JavaRDD<Example> examples, int n, int workers, long seed, int epoch) {
        return examples
                .mapPartitionsToPair(it -> {
                    int[] positions = positions(n, seed, epoch);
                    List<Tuple2<Integer, Example>> keyed = new ArrayList<>();
                    it.forEachRemaining(e -> keyed.add(new Tuple2<>(positions[e.index()], e)));
                    return keyed.iterator();
                })
                .partitionBy(new SlicePartitioner(n, workers))
                .mapPartitions(EpochShuffle::inOrder, true);
    }

    private static Iterator<Example[]> inOrder(Iterator<Tuple2<Integer, Example>> keyed) {
        List<Tuple2<Integer, Example>> all = new ArrayList<>();
        keyed.forEachRemaining(all::add);
        all.sort((a, b) -> Integer.compare(a._1(), b._1()));
        Example[] slice = new Example[all.size()];
        for (int i = 0; i < slice.length; i++) {
            slice[i] = all.get(i)._2();
        }
        return Collections.singletonList(slice).iterator();
    }

    /** Sends position p to the worker whose {@link Shard#split} range holds it. */
    static final class SlicePartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int n;
        private final int workers;

        SlicePartitioner(int n, int workers) {
            this.n = n;
            this.workers = workers;
        }

        @Override
        public int numPartitions() {
            return workers;
        }

        @Override
        public int getPartition(Object key) {
            // Slice w is [floor(n·w/P), floor(n·(w+1)/P)); p lies in slice floor(((p+1)·P − 1) / n).
            long p = (Integer) key;
            return (int) (((p + 1) * workers - 1) / n);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SlicePartitioner s && s.n == n && s.workers == workers;
        }

        @Override
        public int hashCode() {
            return 31 * n + workers;
        }
    }
}
