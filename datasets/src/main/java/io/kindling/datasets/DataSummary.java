package io.kindling.datasets;

import java.io.Serializable;

/**
 * The size and a content fingerprint of a dataset split: a sum of 64-bit hashes of (label, features)
 * over all examples, so it depends on neither order nor partitioning. A checkpoint records it;
 * resuming on other data is refused.
 */
public record DataSummary(long count, String fingerprint) implements Serializable {

    static long hash(Example e) {
        long h = 0xcbf29ce484222325L ^ Float.floatToIntBits(e.target());
        if (e.pixels() != null) {
            for (byte b : e.pixels()) {
                h = (h ^ (b & 0xff)) * 0x100000001b3L;
            }
        } else {
            for (float v : e.values()) {
                h = (h ^ Float.floatToIntBits(v)) * 0x100000001b3L;
            }
        }
        return Permutation.mix(h);
    }
}
