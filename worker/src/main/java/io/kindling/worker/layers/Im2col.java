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
        int o = at;
        for (int n = 0; n < examples; n++) {
            for (int oy = 0; oy < outH; oy++, o += outW) {
                fillOutputRow(g, n, oy, x, into, o);
            }
        }
    }

    /**
     * Whether {@link #nextRowInPlace} may turn row r − kW into row r: its kernel row is not the
     * first, and stride and dilation 1 down the image.
     */
    boolean followsInPlace(int r) {
        return rowsFollowDown() && r / kW % kH > 0;
    }

    /** Whether each kernel row's patch rows follow from the one above's: stride and dilation 1 down the image. */
    boolean rowsFollowDown() {
        return sH == 1 && dH == 1 && kH > 1;
    }

    /**
     * Turns row r − kW (the kernel row above r's), held in {@code into} from index {@code at}, into
     * row r: with stride and dilation 1 down the image, each output row of r reads what the next
     * output row of r − kW read, so each example's values move up by one output row in one copy
     * and only its last output row is read from {@code x}. The copies are long, where
     * {@link #fillRow}'s are one output row each (8 values for LeNet-5's second convolution).
     */
    void nextRowInPlace(int r, float[] x, float[] into, int at) {
        Row g = row(r);
        int positions = outH * outW;
        for (int n = 0, o = at; n < examples; n++, o += positions) {
            System.arraycopy(into, o + outW, into, o, positions - outW);
            fillOutputRow(g, n, outH - 1, x, into, o + positions - outW);
        }
    }

    /**
     * The reverse of {@link #nextRowInPlace}: {@code values}, from index {@code at}, hold row r's
     * gradient (with what the rows below it in the kernel passed on); adds each example's last output
     * row to the input positions it was read from, into {@code x}, then moves each example's values
     * down by one output row (the first becomes zero), which is what row r − kW gets from them.
     */
    void previousRowInPlace(int r, float[] values, int at, float[] x) {
        Row g = row(r);
        int positions = outH * outW;
        for (int n = 0, o = at; n < examples; n++, o += positions) {
            accumulateOutputRow(g, n, outH - 1, values, o + positions - outW, x);
            System.arraycopy(values, o, values, o + outW, positions - outW);
            Arrays.fill(values, o, o + outW, 0f);
        }
    }

    // Output row oy of example n in row g of the matrix, from index o of into
    private void fillOutputRow(Row g, int n, int oy, float[] x, float[] into, int o) {
        int iy = oy * sH + g.ky() * dH - pH;
        if (iy < 0 || iy >= h) {
            Arrays.fill(into, o, o + outW, 0f);
            return;
        }
        int first = g.first();
        int end = g.end();
        if (first > 0) { // padding only: empty calls on rows of 8 values (LeNet-5) showed in profiles
            Arrays.fill(into, o, o + first, 0f);
        }
        int from = (n * channels + g.c()) * h * w + iy * w + g.x0();
        if (sW == 1) {
            System.arraycopy(x, from + first, into, o + first, end - first);
        } else {
            for (int ox = first; ox < end; ox++) {
                into[o + ox] = x[from + ox * sW];
            }
        }
        if (end < outW) {
            Arrays.fill(into, o + end, o + outW, 0f);
        }
    }

    /**
     * The reverse of {@link #fillRow} (col2im, a row at a time): adds each value of row {@code r} of the
     * matrix, read from {@code values} at index {@code at}, to the input position it was read from, into
     * {@code x}, the NCHW input's gradient; values read from the padding are dropped.
     */
    void accumulateRow(int r, float[] values, int at, float[] x) {
        Row g = row(r);
        int o = at;
        for (int n = 0; n < examples; n++) {
            for (int oy = 0; oy < outH; oy++, o += outW) {
                accumulateOutputRow(g, n, oy, values, o, x);
            }
        }
    }

    // Output row oy of example n in row g of the matrix, read from index o of values, added into x
    private void accumulateOutputRow(Row g, int n, int oy, float[] values, int o, float[] x) {
        int iy = oy * sH + g.ky() * dH - pH;
        if (iy < 0 || iy >= h) {
            return;
        }
        int in = (n * channels + g.c()) * h * w + iy * w + g.x0();
        if (sW == 1) {
            for (int ox = g.first(); ox < g.end(); ox++) {
                x[in + ox] += values[o + ox];
            }
        } else {
            for (int ox = g.first(); ox < g.end(); ox++) {
                x[in + ox * sW] += values[o + ox];
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
