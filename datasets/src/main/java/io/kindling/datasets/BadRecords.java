package io.kindling.datasets;

import java.io.Serializable;
import org.apache.spark.util.LongAccumulator;

/**
 * What a source does with a malformed record (a non-numeric CSV field, an unknown label, an image
 * that does not decode): fail the job with the one-line error, or with --skip-bad-records drop the
 * record and count it. Structural damage (a truncated file, a wrong header) always fails.
 */
public final class BadRecords implements Serializable {
    private static final long serialVersionUID = 1L;

    private final boolean skip;
    private final LongAccumulator skipped;

    private BadRecords(boolean skip, LongAccumulator skipped) {
        this.skip = skip;
        this.skipped = skipped;
    }

    public static BadRecords failing() {
        return new BadRecords(false, null);
    }

    public static BadRecords skipping(LongAccumulator counter) {
        return new BadRecords(true, counter);
    }

    /** Skips without counting: for a pass over data that another pass reads, and counts, again. */
    public BadRecords uncounted() {
        return new BadRecords(skip, null);
    }

    /** Fails with {@code problem}, or counts it when skipping; returns normally only when skipping. */
    public void handle(DatasetFormatException problem) {
        if (!skip) {
            throw problem;
        }
        if (skipped != null) {
            skipped.add(1);
        }
    }

    public boolean skipping() {
        return skip;
    }

    /** Records skipped so far (read it on the driver after an action). */
    public long skipped() {
        return skipped == null ? 0 : skipped.value();
    }
}
