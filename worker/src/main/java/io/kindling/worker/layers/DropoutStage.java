package io.kindling.worker.layers;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.factory.Nd4j;

/** Inverted dropout with {@link CpuDropout}'s masks: the same seed draw from ND4J's generator, the same hash. */
final class DropoutStage extends Stage {
    private final double retain;
    private float[] mask = new float[0];
    private final float[] chunk = new float[1 << 12];

    DropoutStage(int values, double retain) {
        super(values, values);
        this.retain = retain;
    }

    @Override
    void forward(FloatPointer x, FloatBuffer xValues, int examples, boolean training, FloatPointer params) {
        int n = examples * out;
        if (!training) {
            copy(xValues, output, n);
            return;
        }
        if (mask.length < n) {
            mask = new float[n];
        }
        CpuDropout.fillMask(mask, 0, n, Nd4j.getRandom().nextLong(), retain);
        multiply(xValues, output, n);
    }

    @Override
    boolean backward(FloatPointer x, FloatBuffer xValues, int examples, Deltas deltas, FloatPointer params,
                     FloatPointer grads, boolean inputGradient) {
        multiply(deltas.out, deltas.out, examples * out);
        return false;
    }

    // to = from · mask, a chunk at a time through an array (the JIT vectorises that); in place when the same
    private void multiply(FloatBuffer from, FloatBuffer to, int n) {
        float[] v = chunk;
        for (int i0 = 0; i0 < n; i0 += v.length) {
            int m = Math.min(v.length, n - i0);
            from.get(i0, v, 0, m);
            for (int i = 0; i < m; i++) {
                v[i] *= mask[i0 + i];
            }
            to.put(i0, v, 0, m);
        }
    }
}
