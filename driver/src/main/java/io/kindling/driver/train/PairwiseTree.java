package io.kindling.driver.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;

/**
 * Reduction of per-partition partials (collected in partition order) in a fixed tree: partials i and
 * i+1 at each level. Spark's reduce and treeAggregate fold partials in the order tasks finish, so
 * float sums vary in their last bits from run to run; this tree gives the same bits every time,
 * which is what makes a seeded run's metrics reproducible.
 */
public final class PairwiseTree {
    private PairwiseTree() {
    }

    public static <T> T reduce(List<T> partials, BinaryOperator<T> merge) {
        if (partials.isEmpty()) {
            throw new IllegalArgumentException("nothing to reduce");
        }
        List<T> level = partials;
        while (level.size() > 1) {
            List<T> next = new ArrayList<>((level.size() + 1) / 2);
            for (int i = 0; i < level.size(); i += 2) {
                next.add(i + 1 < level.size() ? merge.apply(level.get(i), level.get(i + 1)) : level.get(i));
            }
            level = next;
        }
        return level.get(0);
    }
}
