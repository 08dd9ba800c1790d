package io.kindling.worker.layers;

import java.util.Arrays;

/**
 * A convolution's input patches as a matrix: one row per weight (channel, ky, kx) and one column per
 * output position (example, y, x), zero where a patch reaches into the padding. With the output
 * gradient as a matrix (channel × position), their product is the weight gradient; with the weights,
 * the forward pass's output (a convolution as one matrix product).
 */
record Im2col(int examples, int channels, int h, int w, int kH, int kW, int sH, int sW, int pH, int pW,
        int dH, int dW, int outH, int outW) {

    Im2col(long[] inputShape, int[] kernel, int[] strides, int[] pad, int[] dilation, int[] outSize) {
        this((int) inputShape[0], (int) inputShape[1], (int) inputShape[2], (int) inputShape[3], kernel[0],
                kernel[1], strides[0], strides[1], pad[0], pad[1], dilation[0], dilation[1], outSize[0], outSize[1]);
    }

    int rows() {
        return channels * kH * kW;
    }

    int cols() {
        return examples * outH * outW;
    }

    /** Writes the matrix, row-major, into the start of {@code into}, from {@code x}, the NCHW input. */
    void fill(float[] x, float[] into) {
        for (int r = 0; r < rows(); r++) {
            fillRow(r, x, into, r * cols());
        }
    }

    /**
     * Writes row {@code r} of the matrix (weight (channel, ky, kx) = r in row-major order) into
     * {@code into} from index {@code at}: {@link #cols} values, from {@code x}, the NCHW input. Row by row,
     * a caller can move each row on while it is still in cache.
     */
    void fillRow(int r, float[] x, float[] into, int at) {
        int c = r / (kH * kW);
        int ky = r / kW % kH;
        int kx = r % kW;
        int o = at;
        int x0 = kx * dW - pW; // input column of output column 0
        int first = Math.min(outW, Math.max(0, ceilDiv(-x0, sW))); // first output column inside
        int end = Math.max(first, Math.min(outW, ceilDiv(w - x0, sW))); // past the last one
        for (int n = 0; n < examples; n++) {
            int plane = (n * channels + c) * h * w;
            for (int oy = 0; oy < outH; oy++, o += outW) {
                int iy = oy * sH + ky * dH - pH;
                if (iy < 0 || iy >= h) {
                    Arrays.fill(into, o, o + outW, 0f);
                    continue;
                }
                Arrays.fill(into, o, o + first, 0f);
                int row = plane + iy * w + x0;
                if (sW == 1) {
                    System.arraycopy(x, row + first, into, o + first, end - first);
                } else {
                    for (int ox = first; ox < end; ox++) {
                        into[o + ox] = x[row + ox * sW];
                    }
                }
                Arrays.fill(into, o + end, o + outW, 0f);
            }
        }
    }

    /**
     * The reverse of {@link #fill} (col2im): adds each value of {@code matrix} to the input position
     * it was read from, into {@code x}, the NCHW input's gradient; values read from the padding are
     * dropped.
     */
    void accumulate(float[] matrix, float[] x) {
        for (int r = 0; r < rows(); r++) {
            accumulateRow(r, matrix, r * cols(), x);
        }
    }

    /** {@link #accumulate} for row {@code r} of the matrix alone, read from {@code row} at index {@code at}. */
    void accumulateRow(int r, float[] row, int at, float[] x) {
        int c = r / (kH * kW);
        int ky = r / kW % kH;
        int kx = r % kW;
        int o = at;
        int x0 = kx * dW - pW;
        int first = Math.min(outW, Math.max(0, ceilDiv(-x0, sW)));
        int end = Math.max(first, Math.min(outW, ceilDiv(w - x0, sW)));
        for (int n = 0; n < examples; n++) {
            int plane = (n * channels + c) * h * w;
            for (int oy = 0; oy < outH; oy++, o += outW) {
                int iy = oy * sH + ky * dH - pH;
                if (iy < 0 || iy >= h) {
                    continue;
                }
                int in = plane + iy * w + x0;
                if (sW == 1) { // contiguous: vectorised
                    for (int ox = first; ox < end; ox++) {
                        x[in + ox] += row[o + ox];
                    }
                } else {
                    for (int ox = first; ox < end; ox++) {
                        x[in + ox * sW] += row[o + ox];
                    }
                }
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
