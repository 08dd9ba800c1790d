package io.kindling.worker.layers;

import io.kindling.worker.NativeFloats;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * A small NCHW convolution as one matrix product over the whole minibatch: the input patches laid
 * out by {@link Im2col} (a row per weight, a column per output position), W (DL4J's [out, in, kH,
 * kW], row-major out × in·kH·kW) times them, then bias, activation and the transpose back to NCHW
 * in one pass. The backward pass: the weight gradient is δ times the patches' transpose, the input
 * gradient Wᵀ·δ scattered back onto the input (col2im). With stride 1 down the image, each kernel
 * row's patch rows are the row above's moved up by one output row ({@link Im2col#nextRowInPlace}),
 * and col2im goes back up the same way: for LeNet-5's second convolution that replaced copies of 8
 * values (an output row) by one per example. For few channels this is several times
 * faster than oneDNN's convolution through DL4J, whose layout conversions dominate there.
 *
 * <p>A 2 × 2 max pooling right after it can be taken in, as by {@link DirectConvolutionStage}: each
 * output plane is pooled as it is activated, and the backward pass applies the activation's
 * gradient at the pooled outputs only.
 */
final class ConvolutionStage extends Stage implements ImageStage {
    private static final int ROW = openblas_nolapack.CblasRowMajor;
    private static final int NO = openblas_nolapack.CblasNoTrans;
    private static final int TRANS = openblas_nolapack.CblasTrans;

    private final Im2col geometry; // for one example: examples() is 1
    private final int channels;
    private final int filters;
    private final long weights;
    private final long bias;
    private final ElementwiseActivation activation;
    private final int rows; // in·kH·kW
    private final int positions; // outH·outW
    private final boolean maxPooled; // a 2 × 2 max pooling taken in (class comment)
    private final int pooledPositions; // (outH / 2)·(outW / 2) when max-pooled
    private byte[] argmax = new byte[0]; // max-pooled: each window's maximum, 0-3
    private float[] pooled = new float[0]; // one pooled plane, or its δ
    private float[] pooledOutputs = new float[0]; // one pooled plane in the backward pass
    private float[] x = new float[0];
    private float[] columns = new float[0]; // one row of the patches matrix, in cache while it moves
    private float[][] rowsByKx = new float[0][]; // the last row built for each kernel column (kx)
    private FloatBuffer patches; // rows × (examples·positions), native
    private FloatPointer patchesPointer;
    private FloatBuffer product; // filters × (examples·positions): the product, then δ in that layout
    private FloatPointer productPointer;
    private FloatBuffer z; // NCHW pre-activation
    private float[] b = new float[0];
    private float[] segment = new float[0];
    private float[] activated = new float[0];
    private float[] sums = new float[0];
    private float[] positionSums = new float[0]; // the bias gradient per output position

    ConvolutionStage(Im2col geometry, int filters, long weights, long bias, ElementwiseActivation activation) {
        this(geometry, filters, weights, bias, activation, false);
    }

    private ConvolutionStage(Im2col geometry, int filters, long weights, long bias, ElementwiseActivation activation,
                             boolean maxPooled) {
        super(geometry.channels() * geometry.h() * geometry.w(), filters * (maxPooled
                ? (geometry.outH() / 2) * (geometry.outW() / 2) : geometry.outH() * geometry.outW()));
        this.maxPooled = maxPooled;
        this.pooledPositions = (geometry.outH() / 2) * (geometry.outW() / 2);
        this.geometry = geometry;
        this.channels = geometry.channels();
        this.filters = filters;
        this.weights = weights;
        this.bias = bias;
        this.activation = activation;
        this.rows = geometry.rows();
        this.positions = geometry.outH() * geometry.outW();
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
    public ConvolutionStage withMaxPooling() {
        return new ConvolutionStage(geometry, filters, weights, bias, activation, true);
    }

    /** Values of the input patches per example: what bounds this stage's memory and Java work. */
    static long patchValues(Im2col oneExample) {
        return (long) oneExample.rows() * oneExample.cols();
    }

    @Override
    long valuesPerExample() {
        return Math.max(super.valuesPerExample(), (long) Math.max(filters, rows) * positions);
    }

    @Override
    void reserveMore(int examples) {
        x = new float[examples * in];
        columns = new float[examples * positions];
        rowsByKx = new float[geometry.kW()][examples * positions];
        patches = floats((long) examples * rows * positions);
        patchesPointer = new FloatPointer(patches);
        product = floats((long) examples * Math.max(filters, rows) * positions);
        productPointer = new FloatPointer(product);
        if (maxPooled) {
            argmax = new byte[examples * out];
            pooled = new float[pooledPositions];
            pooledOutputs = new float[pooledPositions];
        } else {
            z = floats((long) examples * out);
        }
    }

    /** A scratch array of one output plane. */
    private float[] segment() {
        if (segment.length < positions) {
            segment = new float[positions];
        }
        return segment;
    }

    /** A second one, for the activations of the plane in {@link #segment}. */
    private float[] activated() {
        if (activated.length < positions) {
            activated = new float[positions];
        }
        return activated;
    }

    private Im2col batch(int examples) {
        Im2col g = geometry;
        return new Im2col(examples, g.channels(), g.h(), g.w(), g.kH(), g.kW(), g.sH(), g.sW(), g.pH(), g.pW(), g.dH(),
                g.dW(), g.outH(), g.outW());
    }

    @Override
    void forward(FloatPointer input, FloatBuffer xValues, int examples, boolean training, FloatPointer params) {
        int cols = examples * positions;
        xValues.get(0, x, 0, examples * in);
        Im2col im2col = batch(examples);
        for (int r = 0; r < rows; r++) {
            float[] row = rowsByKx[r % geometry.kW()];
            if (im2col.followsInPlace(r)) {
                im2col.nextRowInPlace(r, x, row, 0);
            } else {
                im2col.fillRow(r, x, row, 0);
            }
            patches.put(r * cols, row, 0, cols);
        }
        openblas_nolapack.cblas_sgemm(ROW, NO, NO, filters, cols, rows, 1f, at(params, weights), rows, patchesPointer,
                cols, 0f, productPointer, cols);
        if (b.length < filters) {
            b = new float[filters];
        }
        NativeFloats.get(params, bias, b, filters);
        float[] row = segment();
        float[] act = activated();
        for (int f = 0; f < filters; f++) {
            float bf = b[f];
            for (int n = 0; n < examples; n++) {
                product.get(f * cols + n * positions, row, 0, positions);
                for (int p = 0; p < positions; p++) {
                    row[p] += bf;
                    act[p] = row[p];
                }
                activation.apply(act, positions);
                if (maxPooled) {
                    int to = (n * filters + f) * pooledPositions;
                    if (training) {
                        PoolingKernels.maxForward(act, pooled, argmax, to, 1, geometry.outH(), geometry.outW());
                    } else {
                        PoolingKernels.maxForward(act, pooled, 1, geometry.outH(), geometry.outW());
                    }
                    output.put(to, pooled, 0, pooledPositions);
                    continue;
                }
                int to = (n * filters + f) * positions;
                z.put(to, row, 0, positions);
                output.put(to, act, 0, positions);
            }
        }
    }

    @Override
    boolean backward(FloatPointer input, FloatBuffer xValues, int examples, Deltas deltas, FloatPointer params,
                     FloatPointer grads, boolean inputGradient) {
        int cols = examples * positions;
        FloatBuffer d = deltas.out;
        if (!maxPooled) {
            activation.gradient(z, output, d, examples * out); // in place, NCHW
        }
        // δ from NCHW to filter-major (filters × examples·positions), summed per filter for the bias
        if (sums.length < filters) {
            sums = new float[filters];
        }
        if (positionSums.length < positions) {
            positionSums = new float[positions];
        }
        float[] row = segment();
        for (int f = 0; f < filters; f++) {
            // Per position across the examples, then once over the positions (Stage.sum)
            Arrays.fill(positionSums, 0, positions, 0f);
            for (int n = 0; n < examples; n++) {
                if (maxPooled) { // the pooled δ, through the activation's gradient at the outputs and the argmax
                    int at = (n * filters + f) * pooledPositions;
                    d.get(at, pooled, 0, pooledPositions);
                    output.get(at, pooledOutputs, 0, pooledPositions);
                    activation.gradientFromOutput(pooledOutputs, pooled, pooledPositions);
                    PoolingKernels.maxBackward(argmax, at, pooled, row, 1, geometry.outH(), geometry.outW());
                } else {
                    d.get((n * filters + f) * positions, row, 0, positions);
                }
                for (int p = 0; p < positions; p++) {
                    positionSums[p] += row[p];
                }
                product.put(f * cols + n * positions, row, 0, positions);
            }
            sums[f] = sum(positionSums, positions);
        }
        NativeFloats.put(sums, filters, grads, bias);
        openblas_nolapack.cblas_sgemm(ROW, NO, TRANS, filters, rows, cols, 1f, productPointer, cols, patchesPointer,
                cols, 0f, at(grads, weights), rows);
        if (!inputGradient) {
            return false;
        }
        // The patches' gradient, Wᵀ·δ, overwrites the patches (the weight gradient has read them)
        openblas_nolapack.cblas_sgemm(ROW, TRANS, NO, rows, cols, filters, 1f, at(params, weights), rows,
                productPointer, cols, 0f, patchesPointer, cols);
        Arrays.fill(x, 0, examples * in, 0f);
        Im2col im2col = batch(examples);
        int kW = geometry.kW();
        int kH = geometry.kH();
        if (!im2col.rowsFollowDown()) {
            for (int r = 0; r < rows; r++) {
                patches.get(r * cols, columns, 0, cols);
                im2col.accumulateRow(r, columns, 0, x);
            }
        } else { // up each kernel column, as the forward pass came down it (Im2col.previousRowInPlace)
            float[] sum = rowsByKx[0]; // free until the next forward pass
            for (int c = 0; c < channels; c++) {
                for (int kx = 0; kx < kW; kx++) {
                    for (int ky = kH - 1; ky >= 0; ky--) {
                        int r = (c * kH + ky) * kW + kx;
                        if (ky == kH - 1) {
                            patches.get(r * cols, sum, 0, cols);
                        } else {
                            patches.get(r * cols, columns, 0, cols);
                            for (int i = 0; i < cols; i++) {
                                sum[i] += columns[i];
                            }
                        }
                        if (ky > 0) {
                            im2col.previousRowInPlace(r, sum, 0, x);
                        } else {
                            im2col.accumulateRow(r, sum, 0, x);
                        }
                    }
                }
            }
        }
        deltas.in.put(0, x, 0, examples * in);
        return true;
    }
}
