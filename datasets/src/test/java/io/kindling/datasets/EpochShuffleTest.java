package io.kindling.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.kindling.datasets.testing.LocalSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;

class EpochShuffleTest {

    @Test
    void positionsArePermutationsThatChangeEveryEpochAndRepeatForASeed() {
        int[] e1 = EpochShuffle.positions(1000, 42, 1);
        int[] e2 = EpochShuffle.positions(1000, 42, 2);
        assertArrayEquals(IntStream.range(0, 1000).toArray(), IntStream.of(e1).sorted().toArray());
        assertArrayEquals(e1, EpochShuffle.positions(1000, 42, 1));
        assertFalse(java.util.Arrays.equals(e1, e2));
        assertFalse(java.util.Arrays.equals(e1, EpochShuffle.positions(1000, 43, 1)));
    }

    @Test
    void eachWorkerGetsItsContiguousSliceOfThePermutationInOrder() {
        int n = 1001;
        int workers = 3;
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            examples.add(new Example(i, i % 10, new byte[] {(byte) i}));
        }
        JavaRDD<Example> rdd = LocalSpark.context().parallelize(examples, 4);
        List<Example[]> slices = EpochShuffle.slices(rdd, n, workers, 5, 3).collect();

        int[] positions = EpochShuffle.positions(n, 5, 3);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[positions[i]] = i;
        }
        List<Shard> bounds = Shard.split(n, workers);
        assertEquals(workers, slices.size());
        for (int w = 0; w < workers; w++) {
            Example[] slice = slices.get(w);
            assertEquals(bounds.get(w).count(), slice.length);
            for (int i = 0; i < slice.length; i++) {
                assertEquals(order[bounds.get(w).first() + i], slice[i].index());
            }
        }
    }
}
