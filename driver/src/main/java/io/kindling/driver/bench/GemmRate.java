package io.kindling.driver.bench;

import io.kindling.worker.Backend;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ND4J's fp32 matrix multiply rate on large square matrices: the ceiling the models are compared with. */
public final class GemmRate {
    private GemmRate() {
    }

    /** GFLOP/s of the best of {@code reps} n×n SGEMMs (2n³ flops each) on {@code threads} threads. */
    public static double measure(int n, int threads, int reps) {
        Backend.useThreads(threads);
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        Nd4j.gemm(a, b, c, false, false, 1.0, 0.0); // warm-up: threads and pages
        double best = Double.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            best = Math.min(best, (System.nanoTime() - start) / 1e9);
        }
        return 2.0 * n * n * n / best / 1e9;
    }
}
