package io.kindling.datasets;

import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

/**
 * A source read into an RDD whose examples carry dense indices 0..n-1. One pass counts each
 * partition's examples (and fingerprints them); the indices follow from those counts, so records
 * skipped as bad leave no holes. With a storage level the read examples are persisted by that pass
 * (--cache memory or disk); without, every use reads the source again (--cache none), which keeps
 * data larger than executor memory out of it.
 */
public final class IndexedData {
    private final JavaRDD<Example> examples;
    private final JavaRDD<Example> read;
    private final DataSummary summary;

    private IndexedData(JavaRDD<Example> examples, JavaRDD<Example> read, DataSummary summary) {
        this.examples = examples;
        this.read = read;
        this.summary = summary;
    }

    /** Target bytes per partition: a cached or spilled block stays small next to an executor's heap. */
    static final long PARTITION_BYTES = 32L << 20;

    /**
     * Reads {@code source} in at least {@code minPartitions} partitions, more when it is large, so
     * that no partition (a cached block, a task's input) comes near an executor's memory.
     */
    public static IndexedData load(JavaSparkContext sc, ExampleSource source, int minPartitions, StorageLevel cache,
                                   BadRecords bad) {
        int partitions = (int) Math.max(minPartitions, Math.min(100_000, (source.bytes() + PARTITION_BYTES - 1)
                / PARTITION_BYTES));
        JavaRDD<Example> read = source.rdd(sc, partitions, bad).setName(source.name());
        if (cache != null && !cache.equals(StorageLevel.NONE())) {
            read = read.persist(cache);
        }
        List<long[]> counts = read.mapPartitionsWithIndex((p, it) -> {
            long count = 0;
            long hashes = 0;
            while (it.hasNext()) {
                hashes += DataSummary.hash(it.next());
                count++;
            }
            return Collections.singletonList(new long[] {p, count, hashes}).iterator();
        }, true).collect();
        long[] offsets = new long[counts.size()];
        long total = 0;
        long fingerprint = 0;
        for (long[] c : counts) {
            offsets[(int) c[0]] = c[1];
            fingerprint += c[2];
        }
        for (int p = 0; p < offsets.length; p++) {
            long size = offsets[p];
            offsets[p] = total;
            total += size;
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(source.name() + ": " + total + " examples, at most "
                    + Integer.MAX_VALUE + " are supported");
        }
        JavaRDD<Example> indexed = read.mapPartitionsWithIndex((p, it) -> new java.util.Iterator<Example>() {
            private long next = offsets[p];

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Example next() {
                return it.next().withIndex((int) next++);
            }
        }, true);
        return new IndexedData(indexed, read, new DataSummary(total, String.format("%016x", fingerprint)));
    }

    /** The examples with indices 0..n-1. */
    public JavaRDD<Example> examples() {
        return examples;
    }

    public DataSummary summary() {
        return summary;
    }

    public long size() {
        return summary.count();
    }

    /** The first {@code limit} examples (all when limit is 0). */
    public JavaRDD<Example> first(long limit) {
        return limit <= 0 || limit >= size() ? examples : examples.filter(e -> e.index() < limit);
    }

    public void unpersist() {
        read.unpersist(false);
    }
}
