package io.kindling.worker;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Splits Kindling's Java kernels over the task's native thread budget, the same number of threads
 * ND4J's own ops get ({@link Backend#useThreads}), so a task with two threads runs its pooling,
 * ReLU, dropout and optimiser loops on both, and one with a single thread stays on its own thread.
 */
public final class KernelThreads {
    // Tasks × threads never exceed the cores, so the pool never has more work than cores.
    private static final ForkJoinPool POOL = new ForkJoinPool(Runtime.getRuntime().availableProcessors());

    private KernelThreads() {
    }

    /** Into how many parts to split {@code n} units of work, each at least {@code minPerPart} units. */
    public static int parts(long n, long minPerPart) {
        int threads = Math.max(1, Nd4j.getEnvironment().maxMasterThreads());
        return (int) Math.max(1, Math.min(threads, n / Math.max(1, minPerPart)));
    }

    /** A kernel's part: units {@code from} (inclusive) to {@code to} (exclusive) of the work, as part {@code part}. */
    @FunctionalInterface
    public interface Range {
        void run(int part, long from, long to);
    }

    /**
     * Splits units 0 to {@code n} into {@code parts} near-equal ranges and runs them, part 0 on the
     * calling thread; returns once every part is done, rethrowing the first failure.
     */
    public static void run(long n, int parts, Range range) {
        if (parts <= 1) {
            range.run(0, 0, n);
            return;
        }
        ForkJoinTask<?>[] others = new ForkJoinTask<?>[parts - 1];
        for (int p = 1; p < parts; p++) {
            int q = p;
            others[p - 1] = POOL.submit(() -> range.run(q, n * q / parts, n * (q + 1) / parts));
        }
        Throwable failure = null;
        try {
            range.run(0, 0, n / parts);
        } catch (Throwable t) {
            failure = t;
        }
        for (ForkJoinTask<?> other : others) { // every part, so none still writes once this returns
            try {
                other.join();
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                } else {
                    failure.addSuppressed(t);
                }
            }
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }
}
