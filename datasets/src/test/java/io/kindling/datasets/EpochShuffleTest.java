package io.kindling.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.testing.LocalSpark;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;

class EpochShuffleTest {

    @Test
    void permutationsAreBijectionsThatChangeWithTheStreamAndRepeatForASeed() {
        for (long n : new long[] {1, 2, 3, 7, 1000, 65537}) {
            Permutation p = Permutation.of(n, 42, 1);
            BitSet seen = new BitSet();
            for (long i = 0; i < n; i++) {
                long to = p.apply(i);
                assertTrue(to >= 0 && to < n);
                seen.set((int) to);
            }
            assertEquals(n, seen.cardinality(), "bijective for n = " + n);
        }
        Permutation a = Permutation.of(1000, 42, 1);
        assertEquals(a.apply(123), Permutation.of(1000, 42, 1).apply(123));
        int moved = 0;
        for (int i = 0; i < 1000; i++) {
            moved += a.apply(i) != Permutation.of(1000, 42, 2).apply(i) ? 1 : 0;
        }
        assertTrue(moved > 900, "another epoch is another order: " + moved + " of 1000 moved");
        assertNotEquals(a.apply(7), Permutation.of(1000, 43, 1).apply(7));
    }

    @Test
    void aPlanDealsEveryPositionToOneChunkOfAtMostKMinibatches() {
        EpochPlan plan = new EpochPlan(1001, 3, 64, 2, false); // slices of 333, 334, 334: 6 minibatches each
        assertEquals(3, plan.rounds());
        int[] chunkSizes = new int[plan.partitions()];
        for (long p = 0; p < 1001; p++) {
            chunkSizes[plan.partitionOf(p)]++;
        }
        for (int partition = 0; partition < plan.partitions(); partition++) {
            assertTrue(chunkSizes[partition] <= 128);
        }
        assertEquals(128, chunkSizes[0]);
        assertEquals(333 - 256, chunkSizes[2], "worker 0's last chunk holds its partial minibatch");
        assertEquals(1001, plan.examplesTrained());

        EpochPlan dropLast = new EpochPlan(1001, 3, 64, 2, true);
        assertEquals(3 * 320, dropLast.examplesTrained());
        assertEquals(-1, dropLast.partitionOf(332), "beyond worker 0's last full minibatch");
    }

    @Test
    void aSegmentGivesEveryTaskTheChunksOfItsWorkersRoundByRoundInEpochOrder() {
        int n = 1001;
        JavaRDD<Example> rdd = LocalSpark.context().parallelize(examples(n), 4);
        EpochPlan plan = new EpochPlan(n, 3, 64, 2, false);
        EpochShuffle shuffle = EpochShuffle.of(rdd, n, plan, 5, 3);
        Permutation permutation = Permutation.of(n, 5, 3);
        assertEquals(3, plan.rounds());

        BitSet trained = new BitSet();
        // Rounds 0 and 1 in one segment of 3 tasks, round 2 in one of 2 tasks (tasks 0 hosts workers 0 and 1).
        int[][] segments = {{0, 2, 3}, {2, 1, 2}};
        for (int[] segment : segments) {
            // Per task, its rounds; per round, the chunks of the task's workers.
            List<List<List<List<Example>>>> byTask = shuffle.segment(segment[0], segment[1], segment[2]).glom()
                    .collect();
            assertEquals(segment[2], byTask.size(), "one partition per task");
            List<Shard> hosted = Shard.split(3, segment[2]);
            for (int t = 0; t < segment[2]; t++) {
                assertEquals(segment[1], byTask.get(t).size(), "one element per round");
                List<List<Example>> chunks = byTask.get(t).stream().flatMap(List::stream).toList();
                assertEquals(segment[1] * hosted.get(t).count(), chunks.size());
                int i = 0;
                for (int r = segment[0]; r < segment[0] + segment[1]; r++) {
                    for (int w = hosted.get(t).first(); w < hosted.get(t).first() + hosted.get(t).count(); w++) {
                        long previous = -1;
                        for (Example e : chunks.get(i++)) {
                            long position = permutation.apply(e.index());
                            assertEquals(w * plan.rounds() + r, plan.partitionOf(position));
                            assertTrue(position > previous, "in the epoch's order");
                            previous = position;
                            assertTrue(!trained.get(e.index()), "trained once");
                            trained.set(e.index());
                        }
                    }
                }
            }
        }
        assertEquals(n, trained.cardinality());
    }

    @Test
    void prepareWritesTheShuffleOnceAndSegmentsOnlyReadIt() {
        int n = 500;
        LongAccumulator mapped = LocalSpark.context().sc().longAccumulator("examples mapped");
        JavaRDD<Example> rdd = LocalSpark.context().parallelize(examples(n), 3).map(e -> {
            mapped.add(1);
            return e;
        });
        EpochPlan plan = new EpochPlan(n, 2, 64, 1, false);
        EpochShuffle shuffle = EpochShuffle.of(rdd, n, plan, 5, 1);
        shuffle.prepare();
        assertEquals(n, mapped.value(), "the map side ran once, over every example");
        long read = shuffle.segment(0, plan.rounds(), 2)
                .map(round -> round.stream().mapToLong(List::size).sum()).reduce(Long::sum);
        assertEquals(n, read);
        assertEquals(n, mapped.value(), "segments read the shuffle without mapping again");
    }

    /** Examples 0..n-1 with one-byte images. */
    private static List<Example> examples(int n) {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            examples.add(Example.image(i, i % 10, new byte[] {(byte) i}));
        }
        return examples;
    }
}
