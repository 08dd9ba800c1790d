package io.kindling.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairwiseTreeTest {
    @Test
    void reducesAnyNumberOfPartials() {
        for (int partitions = 1; partitions <= 9; partitions++) {
            List<Long> values = new ArrayList<>();
            for (long i = 0; i < partitions; i++) {
                values.add(1L << i);
            }
            assertEquals((1L << partitions) - 1, PairwiseTree.reduce(values, Long::sum), partitions + " partials");
        }
    }

    @Test
    void pairsNeighboursLevelByLevel() {
        // String concatenation is not commutative, so the result spells out the tree's shape.
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            values.add(Integer.toString(i));
        }
        assertEquals("(((0 1) (2 3)) ((4 5) 6))", PairwiseTree.reduce(values, (a, b) -> "(" + a + " " + b + ")"));
        assertEquals("((0 1) 2)", PairwiseTree.reduce(List.of("0", "1", "2"), (a, b) -> "(" + a + " " + b + ")"));
    }
}
