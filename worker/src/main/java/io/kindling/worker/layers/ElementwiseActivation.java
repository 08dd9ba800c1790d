package io.kindling.worker.layers;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;

/** The activations a {@link FusedStack} computes itself, forward and backward, element by element. */
final class ElementwiseActivation {
    private enum Kind { IDENTITY, RELU, LEAKY_RELU, TANH, SIGMOID }

    private final Kind kind;
    private final float alpha; // leaky ReLU's slope
    // Scratch chunks, reused: each stage has its own instance, and a network runs on one thread at a time
    private final float[] values = new float[CHUNK];
    private final float[] grads = new float[CHUNK];
    private final int[] zChunk = new int[CHUNK];
    private final int[] dChunk = new int[CHUNK];

    private ElementwiseActivation(Kind kind, float alpha) {
        this.kind = kind;
        this.alpha = alpha;
    }

    /** Kindling's version of {@code fn}, or null when it has none (softmax, ELU, capped ReLU...). */
    static ElementwiseActivation of(IActivation fn) {
        if (fn instanceof ActivationReLU relu) {
            return relu.getMax() == null && relu.getThreshold() == null && relu.getNegativeSlope() == null
                    ? new ElementwiseActivation(Kind.RELU, 0) : null;
        }
        if (fn instanceof ActivationLReLU leaky) {
            return new ElementwiseActivation(Kind.LEAKY_RELU, (float) leaky.getAlpha());
        }
        if (fn instanceof ActivationIdentity) {
            return new ElementwiseActivation(Kind.IDENTITY, 0);
        }
        if (fn instanceof ActivationTanH) {
            return new ElementwiseActivation(Kind.TANH, 0);
        }
        if (fn instanceof ActivationSigmoid) {
            return new ElementwiseActivation(Kind.SIGMOID, 0);
        }
        return null;
    }

    boolean isIdentity() {
        return kind == Kind.IDENTITY;
    }

    private static final int CHUNK = 1 << 12;

    /** a = f(z) for the first {@code n} values; a and z may be the same buffer. */
    void apply(FloatBuffer z, FloatBuffer a, int n) {
        if (kind == Kind.IDENTITY) {
            if (a != z) {
                Stage.copy(z, a, n);
            }
            return;
        }
        // A chunk at a time through arrays: the JIT vectorises loops over arrays, not over direct buffers
        float[] v = values;
        for (int i0 = 0; i0 < n; i0 += CHUNK) {
            int m = Math.min(CHUNK, n - i0);
            z.get(i0, v, 0, m);
            apply(v, m);
            a.put(i0, v, 0, m);
        }
    }

    /** v ← f(v) for the first {@code m} values. */
    void apply(float[] v, int m) {
        switch (kind) {
            case IDENTITY -> {
            }
            case RELU -> {
                for (int i = 0; i < m; i++) {
                    v[i] = Math.max(v[i], 0f);
                }
            }
            case LEAKY_RELU -> {
                for (int i = 0; i < m; i++) {
                    v[i] = v[i] < 0 ? v[i] * alpha : v[i];
                }
            }
            case TANH -> {
                for (int i = 0; i < m; i++) {
                    v[i] = (float) Math.tanh(v[i]);
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < m; i++) {
                    v[i] = (float) (1 / (1 + Math.exp(-v[i])));
                }
            }
        }
    }

    /**
     * Whether a 2 × 2 max pooling after it may come before it instead: f(max z) = max f(z), and where
     * the first maximum of f(z) is not that of z, f' is 0 there (ReLU's zeros), so the gradient is
     * routed alike. Not for tanh or sigmoid, whose values can round equal where z differs.
     */
    boolean commutesWithMaxPooling() {
        return kind == Kind.IDENTITY || kind == Kind.RELU;
    }

    /** Whether f'(z) follows from f(z) alone, as {@link #gradientFromOutput} needs: all but a leaky ReLU of slope ≤ 0. */
    boolean gradientFollowsFromOutput() {
        return kind != Kind.LEAKY_RELU || alpha > 0;
    }

    /**
     * g ← g · f'(z) for the first {@code m} values, from y = f(z) alone (see
     * {@link #gradientFollowsFromOutput}). ReLU's is branch-free, as {@link CpuRelu#gradient}.
     */
    void gradientFromOutput(float[] y, float[] g, int m) {
        switch (kind) {
            case IDENTITY -> {
            }
            case RELU -> {
                for (int i = 0; i < m; i++) {
                    int b = Float.floatToRawIntBits(y[i]);
                    int positive = -b & ~b & (b - 0x7f800001); // sign bit set exactly for y > 0, not NaN
                    g[i] = Float.intBitsToFloat(Float.floatToRawIntBits(g[i]) & (positive >> 31));
                }
            }
            case LEAKY_RELU -> { // y < 0 exactly where z < 0, the slope being positive
                for (int i = 0; i < m; i++) {
                    g[i] = y[i] < 0 ? g[i] * alpha : g[i];
                }
            }
            case TANH, SIGMOID -> gradient(y, g, m);
        }
    }

    /** d ← d · f'(z) for the first {@code n} values, given z and a = f(z). */
    void gradient(FloatBuffer z, FloatBuffer a, FloatBuffer d, int n) {
        if (kind == Kind.IDENTITY) {
            return;
        }
        if (kind == Kind.RELU) { // on the values' bits, branch-free: a select on z > 0 mispredicts half the time
            IntPointer zBits = new IntPointer(new FloatPointer(z));
            IntPointer dBits = new IntPointer(new FloatPointer(d));
            int[] zc = zChunk;
            int[] dc = dChunk;
            for (int i0 = 0; i0 < n; i0 += CHUNK) {
                int m = Math.min(CHUNK, n - i0);
                zBits.position(i0).get(zc, 0, m);
                dBits.position(i0).get(dc, 0, m);
                CpuRelu.gradient(zc, dc, m);
                dBits.position(i0).put(zc, 0, m);
            }
            return;
        }
        float[] x = values;
        float[] g = grads;
        boolean fromOutput = kind == Kind.TANH || kind == Kind.SIGMOID;
        for (int i0 = 0; i0 < n; i0 += CHUNK) {
            int m = Math.min(CHUNK, n - i0);
            (fromOutput ? a : z).get(i0, x, 0, m);
            d.get(i0, g, 0, m);
            gradient(x, g, m);
            d.put(i0, g, 0, m);
        }
    }

    /**
     * g ← g · f'(z) for the first {@code m} values, where {@code x} holds z for ReLU and leaky
     * ReLU, and f(z) for tanh and sigmoid (their derivatives are functions of the output).
     */
    void gradient(float[] x, float[] g, int m) {
        switch (kind) {
            case IDENTITY -> {
            }
            case RELU -> {
                for (int i = 0; i < m; i++) {
                    g[i] = x[i] > 0 ? g[i] : 0f;
                }
            }
            case LEAKY_RELU -> {
                for (int i = 0; i < m; i++) {
                    g[i] = x[i] < 0 ? g[i] * alpha : g[i];
                }
            }
            case TANH -> {
                for (int i = 0; i < m; i++) {
                    g[i] *= 1 - x[i] * x[i];
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < m; i++) {
                    g[i] *= x[i] * (1 - x[i]);
                }
            }
        }
    }
}
