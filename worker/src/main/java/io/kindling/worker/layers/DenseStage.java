package io.kindling.worker.layers;

import io.kindling.worker.NativeFloats;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * A dense layer (DL4J's {@code DenseLayer}, or the {@code OutputLayer}, whose activation the loss
 * handles): z = x·W + b as one BLAS call, then the bias and the activation in one pass. W is
 * DL4J's, column-major nIn × nOut, which is Wᵀ row-major.
 */
final class DenseStage extends Stage {
    private static final int ROW = openblas_nolapack.CblasRowMajor;
    private static final int NO = openblas_nolapack.CblasNoTrans;
    private static final int TRANS = openblas_nolapack.CblasTrans;

    private final long weights; // offsets in the flat parameter and gradient arrays
    private final long bias;
    private final ElementwiseActivation activation; // null for the output layer's softmax
    private FloatBuffer z;
    private FloatPointer zPointer;
    private float[] b = new float[0];
    private float[] sums = new float[0];
    private float[] row = new float[0];

    DenseStage(int in, int out, long weights, long bias, ElementwiseActivation activation) {
        super(in, out);
        this.weights = weights;
        this.bias = bias;
        this.activation = activation;
    }

    private float[] row() {
        if (row.length < out) {
            row = new float[out];
        }
        return row;
    }

    @Override
    void reserveMore(int examples) {
        z = floats((long) examples * out);
        zPointer = new FloatPointer(z);
    }

    /** The pre-activation, which the output layer's loss reads. */
    FloatBuffer preActivation() {
        return z;
    }

    @Override
    void forward(FloatPointer x, FloatBuffer xValues, int examples, boolean training, FloatPointer params) {
        openblas_nolapack.cblas_sgemm(ROW, NO, TRANS, examples, out, in, 1f, x, in, at(params, weights), in, 0f,
                zPointer, out);
        if (b.length < out) {
            b = new float[out];
        }
        NativeFloats.get(params, bias, b, out);
        float[] row = row();
        for (int r = 0; r < examples; r++) {
            z.get(r * out, row, 0, out);
            for (int j = 0; j < out; j++) {
                row[j] += b[j];
            }
            z.put(r * out, row, 0, out);
        }
        if (activation != null) {
            activation.apply(z, output, examples * out);
        }
    }

    @Override
    boolean backward(FloatPointer x, FloatBuffer xValues, int examples, Deltas deltas, FloatPointer params,
                     FloatPointer grads, boolean inputGradient) {
        if (activation != null) {
            activation.gradient(z, output, deltas.out, examples * out);
        }
        // dWᵀ (nOut × nIn, row-major: W's column-major layout) = δᵀ·x
        openblas_nolapack.cblas_sgemm(ROW, TRANS, NO, out, in, examples, 1f, deltas.outPointer, out, x, in, 0f,
                at(grads, weights), in);
        if (sums.length < out) {
            sums = new float[out];
        }
        java.util.Arrays.fill(sums, 0, out, 0f);
        float[] row = row();
        for (int r = 0; r < examples; r++) {
            deltas.out.get(r * out, row, 0, out);
            for (int j = 0; j < out; j++) {
                sums[j] += row[j];
            }
        }
        NativeFloats.put(sums, out, grads, bias);
        if (!inputGradient) {
            return false;
        }
        openblas_nolapack.cblas_sgemm(ROW, NO, NO, examples, in, out, 1f, deltas.outPointer, out, at(params, weights),
                in, 0f, deltas.inPointer, in);
        return true;
    }
}
