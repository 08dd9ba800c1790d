package io.kindling.datasets;

import java.io.Serializable;
import java.util.List;

/**
 * How an epoch's examples are dealt out. The epoch's permutation puts example i at position p; the
 * positions are cut into one contiguous slice per worker ({@link Shard#split} bounds), each slice
 * into minibatches of B, and k minibatches make a worker's chunk for one averaging round. Chunk
 * (w, r) is Spark partition {@code w·rounds + r}. With drop-last a slice ends at its last full
 * minibatch; otherwise its last minibatch may be partial, and every example is trained once.
 */
public final class EpochPlan implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int workers;
    private final int batchSize;
    private final int chunkSize;
    private final long[] sliceStart;
    private final long[] sliceUsed;
    private final int rounds;

    public EpochPlan(long examples, int workers, int batchSize, int averagingFrequency, boolean dropLast) {
        if (workers < 1 || batchSize < 1 || averagingFrequency < 1) {
            throw new IllegalArgumentException("workers, batch size and averaging frequency must be >= 1");
        }
        this.workers = workers;
        this.batchSize = batchSize;
        this.chunkSize = batchSize * averagingFrequency;
        this.sliceStart = new long[workers];
        this.sliceUsed = new long[workers];
        List<Shard> slices = Shard.split(Math.toIntExact(examples), workers);
        long maxUsed = 0;
        for (int w = 0; w < workers; w++) {
            sliceStart[w] = slices.get(w).first();
            long size = slices.get(w).count();
            sliceUsed[w] = dropLast ? size / batchSize * batchSize : size;
            maxUsed = Math.max(maxUsed, sliceUsed[w]);
        }
        this.rounds = (int) Math.max(1, (maxUsed + chunkSize - 1) / chunkSize);
    }

    public int workers() {
        return workers;
    }

    public int rounds() {
        return rounds;
    }

    public int partitions() {
        return workers * rounds;
    }

    /** The partition (chunk) of position {@code p}, or -1 when drop-last leaves it out. */
    public int partitionOf(long p) {
        int w = workerOf(p);
        long offset = p - sliceStart[w];
        if (offset >= sliceUsed[w]) {
            return -1;
        }
        return w * rounds + (int) (offset / chunkSize);
    }

    public int worker(int partition) {
        return partition / rounds;
    }

    public int round(int partition) {
        return partition % rounds;
    }

    /** Examples trained this epoch. */
    public long examplesTrained() {
        long total = 0;
        for (long used : sliceUsed) {
            total += used;
        }
        return total;
    }

    public int batchSize() {
        return batchSize;
    }

    private int workerOf(long p) {
        // Slices follow Shard.split; binary search keeps this valid for any sizes.
        int lo = 0;
        int hi = workers - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (sliceStart[mid] <= p) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
