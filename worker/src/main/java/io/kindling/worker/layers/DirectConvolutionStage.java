package io.kindling.worker.layers;

import io.kindling.worker.NativeFloats;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A network's first convolution computed directly, without a patches matrix: stride and dilation 1
 * and few weights per filter (LeNet-5's first: one channel, 5 × 5). Each output plane is computed
 * "wide", as if it were as wide as the padded input: every kernel tap (channel, ky, kx) is then one
 * shift of the whole padded plane, {@code o += w · x[shift ...]}, and the columns past the output's
 * width are dropped. The shifted plane is copied into a scratch array first, so that both sides of
 * the loop share one index, which the JIT vectorises (with two offsets it cannot rule out overlap
 * and leaves the loop scalar). The weight gradient accumulates δ · x[shift ...] per tap the same way
 * over the minibatch, two examples at a time, and sums each tap's row once at the end. For LeNet-5
 * the patches matrix (25 rows of 36 864 columns at batch 64), laid out, copied and packed for BLAS,
 * cost more than this arithmetic. As the first stage it computes no input gradient.
 *
 * <p>A 2 × 2 max pooling right after it (LeNet-5's) can be taken in: the stage then outputs the
 * pooled values, pooled straight from the wide planes while they are in cache (before the activation
 * where that is exact, see {@link #pool}). Its backward pass routes δ back into the wide planes and applies
 * the activation's gradient at the pooled outputs only: a window's gradient goes to its maximum
 * alone, and there f'(z) follows from the output (the activations are monotone). As two stages,
 * the activations went to native memory and back once more each way, and the activation's gradient
 * made passes over all of them.
 */
final class DirectConvolutionStage extends Stage implements ImageStage {
    /** The most weights per filter taken here (LeNet-5's 25; the work grows with them, as BLAS's does not). */
    static final int MAX_TAPS = 64;
    /** The most values of the weight gradient's running sums per tap (4 MB). */
    static final long MAX_TAP_VALUES = 1 << 20;

    private final Im2col geometry; // for one example
    private final int filters;
    private final int taps; // channels · kH · kW
    private final int rowLength; // the padded input's width, a wide plane's row length
    private final int plane; // a padded input plane, with room for the last taps' overrun
    private final int wide; // outH · rowLength
    private final long weights;
    private final long bias;
    private final ElementwiseActivation activation;
    private final boolean maxPooled; // a 2 × 2 max pooling taken in (class comment)
    private final int convolved; // values per example before the pooling: filters · outH · outW
    private final float[] x; // one example's input
    private final float[] padded; // channels × plane, zero around the input
    private final float[] padded2; // the next example's, in the backward pass
    private final float[][] o; // each filter's wide plane: its output, or its δ
    private final float[][] o2; // the next example's δ
    private final float[] tap; // the padded input as one tap reads it
    private final float[] tap2;
    private final float[] kernel; // W as DL4J lays it out: filters × channels × kH × kW
    private final float[] b;
    private final float[] values; // one example's outputs, or its δ
    private final float[] activated;
    private final float[][] sums; // per filter and tap: the weight gradient per wide position
    private final float[][] biasRows; // per filter: the bias gradient per wide position
    private final float[] gradient;
    private FloatBuffer z; // NCHW pre-activation (not max-pooled)
    private byte[] argmax = new byte[0]; // max-pooled: each window's maximum, 0-3
    private final float[] pooled; // one example's pooled outputs, or their δ
    private final float[] pooledOutputs; // one example's pooled outputs in the backward pass

    DirectConvolutionStage(Im2col g, int filters, long weights, long bias, ElementwiseActivation activation) {
        this(g, filters, weights, bias, activation, false);
    }

    private DirectConvolutionStage(Im2col g, int filters, long weights, long bias, ElementwiseActivation activation,
                                   boolean maxPooled) {
        super(g.channels() * g.h() * g.w(), maxPooled ? filters * (g.outH() / 2) * (g.outW() / 2)
                : filters * g.outH() * g.outW());
        this.maxPooled = maxPooled;
        this.convolved = filters * g.outH() * g.outW();
        this.pooled = new float[maxPooled ? out : 0];
        this.pooledOutputs = new float[maxPooled ? out : 0];
        this.geometry = g;
        this.filters = filters;
        this.taps = g.rows();
        this.rowLength = g.w() + 2 * g.pW();
        this.plane = (g.h() + 2 * g.pH()) * rowLength + g.kW();
        this.wide = g.outH() * rowLength;
        this.weights = weights;
        this.bias = bias;
        this.activation = activation;
        this.x = new float[in];
        this.padded = new float[g.channels() * plane];
        this.padded2 = new float[g.channels() * plane];
        this.o = new float[filters][wide];
        this.o2 = new float[filters][wide];
        this.tap = new float[wide];
        this.tap2 = new float[wide];
        this.kernel = new float[filters * taps];
        this.b = new float[filters];
        this.values = new float[maxPooled ? 0 : convolved];
        this.activated = new float[maxPooled ? 0 : convolved];
        this.sums = new float[filters * taps][wide];
        this.biasRows = new float[filters][wide];
        this.gradient = new float[filters * taps];
    }

    @Override
    public Im2col geometry() {
        return geometry;
    }

    @Override
    public ElementwiseActivation activation() {
        return activation;
    }

    @Override
    public boolean isMaxPooled() {
        return maxPooled;
    }

    @Override
    public DirectConvolutionStage withMaxPooling() {
        return new DirectConvolutionStage(geometry, filters, weights, bias, activation, true);
    }

    @Override
    long valuesPerExample() {
        return Math.max(super.valuesPerExample(), convolved);
    }

    /** Whether a convolution of this geometry is computed here rather than as a matrix product. */
    static boolean handles(Im2col g, int filters) {
        return g.sH() == 1 && g.sW() == 1 && g.dH() == 1 && g.dW() == 1 && g.rows() <= MAX_TAPS
                && g.outH() == g.h() + 2 * g.pH() - g.kH() + 1 && g.outW() == g.w() + 2 * g.pW() - g.kW() + 1
                && (long) filters * g.rows() * g.outH() * (g.w() + 2L * g.pW()) <= MAX_TAP_VALUES;
    }

    @Override
    void reserveMore(int examples) {
        if (maxPooled) {
            argmax = new byte[examples * out];
        } else {
            z = floats((long) examples * out);
        }
    }

    /** Copies example {@code n}'s input inside the zero border of {@code into}. */
    private void pad(FloatBuffer xValues, int n, float[] into) {
        xValues.get(n * in, x, 0, in);
        Im2col g = geometry;
        for (int c = 0; c < g.channels(); c++) {
            for (int y = 0; y < g.h(); y++) {
                System.arraycopy(x, (c * g.h() + y) * g.w(), into, c * plane + (y + g.pH()) * rowLength + g.pW(), g.w());
            }
        }
    }

    /** Where tap t (channel, ky, kx in DL4J's weight order) starts reading in {@link #padded}. */
    private int shift(int t) {
        int kW = geometry.kW();
        int kH = geometry.kH();
        return t / (kW * kH) * plane + t / kW % kH * rowLength + t % kW;
    }

    @Override
    void forward(FloatPointer input, FloatBuffer xValues, int examples, boolean training, FloatPointer params) {
        NativeFloats.get(params, weights, kernel, filters * taps);
        NativeFloats.get(params, bias, b, filters);
        int outH = geometry.outH();
        int outW = geometry.outW();
        int positions = outH * outW;
        for (int n = 0; n < examples; n++) {
            pad(xValues, n, padded);
            for (int f = 0; f < filters; f++) {
                Arrays.fill(o[f], b[f]);
            }
            // The same index on both sides of the loop: shifted reads would keep the JIT from vectorising it
            // Two taps at a time: each output plane is read and written once for both
            for (int t = 0; t < taps; t += 2) {
                System.arraycopy(padded, shift(t), tap, 0, wide);
                if (t + 1 < taps) {
                    System.arraycopy(padded, shift(t + 1), tap2, 0, wide);
                    for (int f = 0; f < filters; f++) {
                        float k = kernel[f * taps + t];
                        float k2 = kernel[f * taps + t + 1];
                        float[] plane = o[f];
                        for (int i = 0; i < wide; i++) {
                            plane[i] += k * tap[i] + k2 * tap2[i];
                        }
                    }
                } else {
                    for (int f = 0; f < filters; f++) {
                        float k = kernel[f * taps + t];
                        float[] plane = o[f];
                        for (int i = 0; i < wide; i++) {
                            plane[i] += k * tap[i];
                        }
                    }
                }
            }
            if (maxPooled) {
                pool(n, training);
                continue;
            }
            for (int f = 0; f < filters; f++) {
                for (int y = 0; y < outH; y++) {
                    System.arraycopy(o[f], y * rowLength, values, f * positions + y * outW, outW);
                }
            }
            System.arraycopy(values, 0, activated, 0, convolved);
            activation.apply(activated, convolved);
            z.put(n * out, values, 0, out);
            output.put(n * out, activated, 0, out);
        }
    }

    /**
     * Example n's output from the wide planes: activated and max-pooled straight from them. Where the
     * activation allows it (ReLU), the pooling comes first and the activation runs on a quarter of the
     * values; the argmax is then z's, which routes the gradient as the activation's would wherever it
     * is not zero.
     */
    private void pool(int n, boolean training) {
        boolean poolFirst = activation.commutesWithMaxPooling();
        int outH = geometry.outH();
        int outW = geometry.outW();
        int pooledPlane = out / filters;
        for (int f = 0; f < filters; f++) {
            if (!poolFirst) {
                activation.apply(o[f], wide); // the columns past the output's width too, never read
            }
            int to = f * pooledPlane;
            if (training) {
                PoolingKernels.maxForward(o[f], 0, rowLength, pooled, to, argmax, n * out + to, outH, outW);
            } else {
                PoolingKernels.maxForward(o[f], 0, rowLength, pooled, to, outH, outW);
            }
        }
        if (poolFirst) {
            activation.apply(pooled, out);
        }
        output.put(n * out, pooled, 0, out);
    }

    @Override
    boolean backward(FloatPointer input, FloatBuffer xValues, int examples, Deltas deltas, FloatPointer params,
                     FloatPointer grads, boolean inputGradient) {
        if (inputGradient) {
            throw new IllegalStateException("a direct convolution is a network's first stage: no input gradient");
        }
        FloatBuffer d = deltas.out;
        if (!maxPooled) {
            activation.gradient(z, output, d, examples * out); // in place, NCHW
        }
        for (float[] row : sums) {
            Arrays.fill(row, 0f);
        }
        for (int f = 0; f < filters; f++) {
            Arrays.fill(biasRows[f], 0f);
            Arrays.fill(o[f], 0f); // the columns past the output's width stay 0
            Arrays.fill(o2[f], 0f);
        }
        // Two examples at a time: each running sum is read and written once for both
        for (int n = 0; n < examples; n += 2) {
            boolean pair = n + 1 < examples;
            pad(xValues, n, padded);
            widen(d, n, o);
            if (pair) {
                pad(xValues, n + 1, padded2);
                widen(d, n + 1, o2);
            }
            for (int t = 0; t < taps; t++) {
                int from = shift(t);
                System.arraycopy(padded, from, tap, 0, wide);
                if (pair) {
                    System.arraycopy(padded2, from, tap2, 0, wide);
                }
                for (int f = 0; f < filters; f++) {
                    float[] row = sums[f * taps + t];
                    float[] delta = o[f];
                    if (pair) {
                        float[] delta2 = o2[f];
                        for (int i = 0; i < wide; i++) {
                            row[i] += delta[i] * tap[i] + delta2[i] * tap2[i];
                        }
                    } else {
                        for (int i = 0; i < wide; i++) {
                            row[i] += delta[i] * tap[i];
                        }
                    }
                }
            }
        }
        for (int r = 0; r < filters * taps; r++) {
            gradient[r] = sum(sums[r], wide);
        }
        NativeFloats.put(gradient, filters * taps, grads, weights);
        for (int f = 0; f < filters; f++) {
            gradient[f] = sum(biasRows[f], wide);
        }
        NativeFloats.put(gradient, filters, grads, bias);
        return false;
    }

    /**
     * Example n's δ into wide planes (their extra columns stay 0), adding it to the bias's running
     * sums per position: a running sum per filter would be a chain of dependent scalar additions,
     * these are vectorised. Max-pooled, δ is the pooled one's, routed back through the pooling and the activation.
     */
    private void widen(FloatBuffer d, int n, float[][] planes) {
        int outH = geometry.outH();
        int outW = geometry.outW();
        if (maxPooled) {
            d.get(n * out, pooled, 0, out);
            output.get(n * out, pooledOutputs, 0, out);
            activation.gradientFromOutput(pooledOutputs, pooled, out);
            int pooledPlane = out / filters;
            for (int f = 0; f < filters; f++) {
                int at = f * pooledPlane;
                PoolingKernels.maxBackward(argmax, n * out + at, pooled, at, planes[f], 0, rowLength, outH, outW);
            }
        } else {
            d.get(n * out, values, 0, out);
            int positions = outH * outW;
            for (int f = 0; f < filters; f++) {
                for (int y = 0; y < outH; y++) {
                    System.arraycopy(values, f * positions + y * outW, planes[f], y * rowLength, outW);
                }
            }
        }
        for (int f = 0; f < filters; f++) {
            float[] plane = planes[f];
            float[] row = biasRows[f];
            for (int i = 0; i < wide; i++) {
                row[i] += plane[i];
            }
        }
    }
}
