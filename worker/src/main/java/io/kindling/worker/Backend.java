package io.kindling.worker;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ND4J settings of an executor JVM. Native thread pools are process-wide, and concurrent tasks share
 * them, so the thread count per task is set here (once per change) rather than per network: the
 * threads of all concurrent tasks together must not exceed the executor's cores.
 */
public final class Backend {
    private static final Logger LOG = LoggerFactory.getLogger(Backend.class);
    private static int threads = -1;

    private Backend() {
    }

    /** Limits ND4J's native math (OpenMP master threads and BLAS) to {@code n} threads per op. */
    public static synchronized void useThreads(int n) {
        if (n == threads || n < 1) {
            return;
        }
        Nd4j.getEnvironment().setMaxMasterThreads(n);
        Nd4j.factory().blas().setMaxThreads(n);
        if (threads == -1) {
            LOG.info("ND4J backend {} on {} ({} threads per task)",
                    Nd4j.getBackend().getClass().getSimpleName(), System.getProperty("os.arch"), n);
        }
        threads = n;
    }
}
