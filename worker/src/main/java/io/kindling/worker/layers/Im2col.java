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
        Row g = row(r);
        int first = g.first();
        int end = g.end();
        int o = at;
        for (int n = 0; n < examples; n++) {
            int plane = (n * channels + g.c()) * h * w;
            for (int oy = 0; oy < outH; oy++, o += outW) {
                int iy = oy * sH + g.ky() * dH - pH;
                if (iy < 0 || iy >= h) {
                    Arrays.fill(into, o, o + outW, 0f);
                    continue;
                }
                Arrays.fill(into, o, o + first, 0f);
                int from = plane + iy * w + g.x0();
                if (sW == 1) {
                    System.arraycopy(x, from + first, into, o + first, end - first);
                } else {
                    for (int ox = first; ox < end; ox++) {
                        into[o + ox] = x[from + ox * sW];
                    }
                }
                Arrays.fill(into, o + end, o + outW, 0f);
            }
        }
    }

    /**
     * The reverse of {@link #fillRow} (col2im, a row at a time): adds each value of row {@code r} of the
     * matrix, read from {@code values} at index {@code at}, to the input position it was read from, into
     * {@code x}, the NCHW input's gradient; values read from the padding are dropped.
     */
    void accumulateRow(int r, float[] values, int at, float[] x) {
        Row g = row(r);
        int first = g.first();
        int end = g.end();
        int o = at;
        for (int n = 0; n < examples; n++) {
            int plane = (n * channels + g.c()) * h * w;
            for (int oy = 0; oy < outH; oy++, o += outW) {
                int iy = oy * sH + g.ky() * dH - pH;
                if (iy < 0 || iy >= h) {
                    continue;
                }
                int in = plane + iy * w + g.x0();
                if (sW == 1) { // contiguous: vectorised
                    for (int ox = first; ox < end; ox++) {
                        x[in + ox] += values[o + ox];
                    }
                } else {
                    for (int ox = first; ox < end; ox++) {
                        x[in + ox * sW] += values[o + ox];
                    }
                }
            }
        }
    }

    /**
     * Where row {@code r} reads: its channel and kernel row, the input column of output column 0
     * ({@code x0}), and the output columns whose input lies inside the image, {@code [first, end)}.
     */
    private record Row(int c, int ky, int x0, int first, int end) {
    }

    private Row row(int r) {
        int kx = r % kW;
        int x0 = kx * dW - pW;
        int first = Math.min(outW, Math.max(0, ceilDiv(-x0, sW)));
        int end = Math.max(first, Math.min(outW, ceilDiv(w - x0, sW)));
        return new Row(r / (kH * kW), r / kW % kH, x0, first, end);
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
