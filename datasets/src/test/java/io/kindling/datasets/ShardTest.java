package io.kindling.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShardTest {
    @Test
    void splitCoversEveryRecordOnceWithSizesDifferingByAtMostOne() {
        for (int total : new int[] {0, 1, 7, 1000, 60000}) {
            for (int parts = 1; parts <= 7; parts++) {
                List<Shard> shards = Shard.split(total, parts);
                assertEquals(parts, shards.size());
                int next = 0;
                int min = Integer.MAX_VALUE;
                int max = 0;
                for (Shard s : shards) {
                    assertEquals(next, s.first());
                    next += s.count();
                    min = Math.min(min, s.count());
                    max = Math.max(max, s.count());
                }
                assertEquals(total, next);
                assertEquals(true, max - min <= 1, total + " in " + parts + ": " + shards);
            }
        }
    }
}
