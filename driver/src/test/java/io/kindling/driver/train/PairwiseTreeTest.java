package io.kindling.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kindling.datasets.testing.LocalSpark;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairwiseTreeTest {
    @Test
    void reducesOneValuePerPartitionForAnyPartitionCount() {
        for (int partitions = 1; partitions <= 9; partitions++) {
            List<Long> values = new ArrayList<>();
            for (long i = 0; i < partitions; i++) {
                values.add(1L << i);
            }
            long sum = PairwiseTree.reduce(LocalSpark.context().parallelize(values, partitions), Long::sum);
            assertEquals((1L << partitions) - 1, sum, partitions + " partitions");
        }
    }

    @Test
    void floatSumsComeOutBitIdenticalRunAfterRun() {
        List<Float> values = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            values.add((float) Math.pow(10, i % 4) / (3 + i));
        }
        float first = PairwiseTree.reduce(LocalSpark.context().parallelize(values, 7), Float::sum);
        for (int run = 0; run < 5; run++) {
            assertEquals(Float.floatToIntBits(first),
                    Float.floatToIntBits(PairwiseTree.reduce(LocalSpark.context().parallelize(values, 7), Float::sum)));
        }
    }

    @Test
    void theDriverSideTreePairsTheSameWayAsTheSparkOne() {
        // String concatenation is not commutative, so the result spells out the tree's shape.
        for (int partitions = 1; partitions <= 9; partitions++) {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                values.add(Integer.toString(i));
            }
            String onSpark = PairwiseTree.reduce(LocalSpark.context().parallelize(values, partitions),
                    (a, b) -> "(" + min(a, b) + " " + max(a, b) + ")");
            String onDriver = PairwiseTree.reduce(values, (a, b) -> "(" + min(a, b) + " " + max(a, b) + ")");
            assertEquals(onSpark, onDriver, partitions + " partitions");
        }
        assertEquals("((0 1) 2)", PairwiseTree.reduce(List.of("0", "1", "2"), (a, b) -> "(" + a + " " + b + ")"));
    }

    // The order within a pair is up to Spark; the pairs are not.
    private static String min(String a, String b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String max(String a, String b) {
        return a.compareTo(b) <= 0 ? b : a;
    }
}
