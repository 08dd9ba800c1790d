package io.kindling.datasets;

import org.apache.spark.api.java.JavaRDD;

/**
 * A seeded random split into training and validation examples, like {@code random_split}: the
 * validation set is the first ⌊f·n⌋ positions of a permutation fixed by the seed (not by the epoch),
 * and training examples are re-indexed 0..n_train-1 so that epochs can shuffle them.
 */
public record DataSplit(JavaRDD<Example> train, long trainSize, JavaRDD<Example> validation, long validationSize) {

    public static DataSplit of(JavaRDD<Example> examples, long n, double fraction, long seed) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("--validation-split " + fraction + ": expected a fraction in [0, 1)");
        }
        long validationSize = (long) Math.floor(fraction * n);
        if (validationSize == 0) {
            return new DataSplit(examples, n, null, 0);
        }
        Permutation permutation = Permutation.of(n, seed, EpochShuffle.SPLIT_STREAM);
        JavaRDD<Example> validation = examples.filter(e -> permutation.apply(e.index()) < validationSize);
        JavaRDD<Example> train = examples
                .filter(e -> permutation.apply(e.index()) >= validationSize)
                .map(e -> e.withIndex((int) (permutation.apply(e.index()) - validationSize)));
        return new DataSplit(train, n - validationSize, validation, validationSize);
    }
}
