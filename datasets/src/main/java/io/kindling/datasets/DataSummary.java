package io.kindling.datasets;

import java.io.Serializable;
import java.util.Collections;
import org.apache.spark.api.java.JavaRDD;

/**
 * The size and a content fingerprint of a dataset split, computed by the executors while they read
 * it: a sum of 64-bit hashes of (index, label, pixels) over all examples, so it does not depend on
 * how the data is partitioned. A checkpoint records it; resuming on other data is refused.
 */
public record DataSummary(long count, String fingerprint) implements Serializable {

    /** Reads every example of {@code examples} once (materialising a persisted RDD) and summarises them. */
    public static DataSummary of(JavaRDD<Example> examples) {
        long[] totals = examples.mapPartitions(it -> {
            long count = 0;
            long sum = 0;
            while (it.hasNext()) {
                sum += hash(it.next());
                count++;
            }
            return Collections.singletonList(new long[] {count, sum}).iterator();
        }).reduce((a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
        return new DataSummary(totals[0], String.format("%016x", totals[1]));
    }

    static long hash(Example e) {
        long h = 0xcbf29ce484222325L ^ ((long) e.index() << 8 | e.label());
        for (byte b : e.pixels()) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        return h ^ (h >>> 33);
    }
}
