package io.kindling.worker;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;
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

    /** Where part {@code p} of {@code n} units split into {@code parts} begins ({@code p == parts}: n). */
    public static long start(long n, int parts, int p) {
        return n * p / parts;
    }

    /** Runs {@code part} for 0 ≤ p &lt; parts, part 0 on the calling thread, and returns when all are done. */
    public static void run(int parts, IntConsumer part) {
        if (parts <= 1) {
            part.accept(0);
            return;
        }
        ForkJoinTask<?>[] others = new ForkJoinTask<?>[parts - 1];
        for (int p = 1; p < parts; p++) {
            int q = p;
            others[p - 1] = POOL.submit(() -> part.accept(q));
        }
        Throwable failure = null;
        try {
            part.accept(0);
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
