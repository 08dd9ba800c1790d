package io.kindling.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** Kernels split over the task's threads: every part runs once, the split covers the range, errors surface. */
class KernelThreadsTest {
    @Test
    void partsFollowTheTaskThreadsAndTheWorkSize() {
        int threads = Nd4j.getEnvironment().maxMasterThreads();
        try {
            Nd4j.getEnvironment().setMaxMasterThreads(4);
            int t = Nd4j.getEnvironment().maxMasterThreads(); // ND4J caps it at the cores
            assertEquals(t, KernelThreads.parts(1000, 10));
            assertEquals(Math.min(t, 2), KernelThreads.parts(25, 10), "no part smaller than the minimum");
            assertEquals(1, KernelThreads.parts(5, 10));
            Nd4j.getEnvironment().setMaxMasterThreads(1);
            assertEquals(1, KernelThreads.parts(1000, 10));
        } finally {
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
        }
    }

    @Test
    void everyPartRunsOnceAndTheSplitCoversTheRange() {
        long n = 1001;
        int parts = 3;
        AtomicIntegerArray covered = new AtomicIntegerArray((int) n);
        ConcurrentHashMap<Integer, String> threadOfPart = new ConcurrentHashMap<>();
        KernelThreads.run(n, parts, (p, from, to) -> {
            threadOfPart.put(p, Thread.currentThread().getName());
            for (long i = from; i < to; i++) {
                covered.incrementAndGet((int) i);
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(1, covered.get(i), "value " + i);
        }
        assertEquals(parts, threadOfPart.size());
        assertEquals(Thread.currentThread().getName(), threadOfPart.get(0), "part 0 on the calling thread");
    }

    @Test
    void aFailingPartFailsTheKernel() {
        assertThrows(IllegalStateException.class, () -> KernelThreads.run(10, 2, (p, from, to) -> {
            if (p == 1) {
                throw new IllegalStateException("part 1");
            }
        }));
    }
}
