package io.kindling.worker.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** The weighted mean: double precision in source order, rounded once; a source of weight 0 is not read. */
class WeightedMeanTest {
    private static BlockReader values(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return new BlockReader(BlockReader.gatherBuffer(), b.flip());
    }

    @Test
    void meansInDoublePrecisionRoundedOnce() {
        int n = 3 * WeightedMean.CHUNK + 5; // across chunks
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) Math.sin(i);
            b[i] = (float) Math.cos(i) * 1e-3f;
        }
        FloatBuffer out = FloatBuffer.allocate(n);
        double[] weights = {175 / 351.0, 176 / 351.0};
        new WeightedMean().compute(new BlockReader[] {values(a), values(b)}, weights, n, out);
        for (int i = 0; i < n; i++) {
            assertEquals((float) ((double) a[i] * weights[0] + (double) b[i] * weights[1]), out.get(i), "value " + i);
        }
    }

    @Test
    void sumsAnyNumberOfSourcesInTheirOrder() {
        int n = WeightedMean.CHUNK + 7;
        for (int sources = 1; sources <= 5; sources++) {
            float[][] v = new float[sources][n];
            double[] weights = new double[sources];
            BlockReader[] readers = new BlockReader[sources];
            for (int s = 0; s < sources; s++) {
                for (int i = 0; i < n; i++) {
                    v[s][i] = (float) Math.sin(7 * i + s) * (s + 1) * 1e-2f + 1;
                }
                weights[s] = s == 2 ? 0 : (s + 10) / (10.0 * sources + 11); // source 2 takes no part
                readers[s] = values(v[s]);
            }
            FloatBuffer out = FloatBuffer.allocate(n);
            new WeightedMean().compute(readers, weights, n, out);
            for (int i = 0; i < n; i++) {
                double sum = 0;
                boolean first = true;
                for (int s = 0; s < sources; s++) {
                    if (weights[s] != 0) {
                        sum = first ? v[s][i] * weights[s] : sum + v[s][i] * weights[s];
                        first = false;
                    }
                }
                assertEquals((float) sum, out.get(i), sources + " sources, value " + i);
            }
        }
    }

    @Test
    void aWorkerWithoutExamplesIsLeftOutEvenWithNaNs() {
        FloatBuffer out = FloatBuffer.allocate(2);
        new WeightedMean().compute(new BlockReader[] {values(Float.NaN, 1), values(2, 4)}, new double[] {0, 1}, 2, out);
        assertEquals(2f, out.get(0));
        assertEquals(4f, out.get(1));
    }
}
