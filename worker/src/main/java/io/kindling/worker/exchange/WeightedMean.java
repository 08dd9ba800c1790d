package io.kindling.worker.exchange;

import java.nio.FloatBuffer;

/**
 * The weighted mean of several float vectors, each element summed in double precision in the order
 * of the sources and rounded once: the same bits whichever task computes it and in whatever order
 * the sources arrived. Works through the vectors in chunks, so the loops run over plain arrays.
 */
final class WeightedMean {
    static final int CHUNK = 4096;

    private final float[] values = new float[CHUNK];
    private final double[] sums = new double[CHUNK];
    private final float[] mean = new float[CHUNK];

    /**
     * Writes {@code Σ weights[s] · sources[s][i]} for i in [0, n) into {@code target}, reading each
     * source's next n values; sources of weight 0 are not read.
     */
    void compute(BlockReader[] sources, double[] weights, int n, FloatBuffer target) {
        for (int from = 0; from < n; from += CHUNK) {
            int m = Math.min(CHUNK, n - from);
            boolean first = true;
            for (int s = 0; s < sources.length; s++) {
                double w = weights[s];
                if (w == 0) {
                    continue;
                }
                sources[s].readFloats(values, m);
                if (first) {
                    for (int i = 0; i < m; i++) {
                        sums[i] = (double) values[i] * w;
                    }
                    first = false;
                } else {
                    for (int i = 0; i < m; i++) {
                        sums[i] += (double) values[i] * w;
                    }
                }
            }
            for (int i = 0; i < m; i++) {
                mean[i] = (float) sums[i];
            }
            target.put(from, mean, 0, m);
        }
    }
}
