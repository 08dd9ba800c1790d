package io.kindling.datasets;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** A contiguous run of records that one task reads itself: the first record and how many. */
public record Shard(int first, int count) implements Serializable {

    /** Splits records [0, total) into {@code parts} contiguous shards whose sizes differ by at most one. */
    public static List<Shard> split(int total, int parts) {
        if (parts < 1) {
            throw new IllegalArgumentException("parts must be >= 1, got " + parts);
        }
        List<Shard> shards = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            int from = (int) ((long) total * p / parts);
            int to = (int) ((long) total * (p + 1) / parts);
            shards.add(new Shard(from, to - from));
        }
        return shards;
    }
}
