package io.kindling.driver.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import scala.Tuple2;

/**
 * Tree aggregation of one value per partition in which every merge takes exactly two inputs:
 * partials i and i+1 at each level (a shuffle with two values per key), then the last two on the
 * driver. Spark's treeAggregate folds partials in the order tasks finish, so float sums vary in
 * their last bits from run to run; with a commutative merge this tree gives the same bits every
 * time, which is what makes a seeded run reproducible.
 */
public final class PairwiseTree {
    private PairwiseTree() {
    }

    public static <T> T reduce(JavaRDD<T> onePerPartition, Function2<T, T, T> merge) {
        int n = onePerPartition.getNumPartitions();
        JavaPairRDD<Integer, T> level = onePerPartition
                .mapPartitionsWithIndex((i, it) -> it.hasNext()
                        ? java.util.List.of(new Tuple2<>(i, it.next())).iterator()
                        : java.util.Collections.<Tuple2<Integer, T>>emptyIterator(), true)
                .mapToPair(t -> t);
        while (n > 2) {
            int next = (n + 1) / 2;
            level = level.mapToPair(t -> new Tuple2<>(t._1() / 2, t._2()))
                    .reduceByKey(new HashPartitioner(next), merge);
            n = next;
        }
        return level.values().reduce(merge);
    }

    /** The same tree over values already on the driver: partials i and i+1 at each level. */
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
