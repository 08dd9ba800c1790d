package io.kindling.worker.layers;

import java.util.Arrays;

/**
 * Max and average pooling over row-major NCHW planes with windows that do not overlap (stride equal to
 * the kernel, no padding, no dilation: PyTorch's {@code MaxPool2d(k)} and {@code AvgPool2d(k)}).
 * Rows and columns past the last whole window are left out of the output and get zero gradient, as
 * with PyTorch's default floor mode. A max window's gradient goes to its first largest value in
 * row-major order, as in PyTorch's CPU kernel; a window holding NaN outputs NaN.
 */
final class PoolingKernels {
    private PoolingKernels() {
    }

    static void maxForward(float[] x, float[] y, int planes, int h, int w, int kh, int kw) {
        if (kh == 2 && kw == 2) {
            max2x2Forward(x, y, planes, h, w);
            return;
        }
        int oh = h / kh;
        int ow = w / kw;
        int o = 0;
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                int row = (p * h + oy * kh) * w;
                for (int ox = 0; ox < ow; ox++) {
                    y[o++] = x[argmax(x, row + ox * kw, w, kh, kw)];
                }
            }
        }
    }

    /** Turns {@code x}, the forward input, into the gradient with respect to it, given the output's {@code dy}. */
    static void maxBackwardInPlace(float[] x, float[] dy, int planes, int h, int w, int kh, int kw) {
        if (kh == 2 && kw == 2) {
            max2x2BackwardInPlace(x, dy, planes, h, w);
            return;
        }
        int oh = h / kh;
        int ow = w / kw;
        int o = 0;
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                int row = (p * h + oy * kh) * w;
                for (int ox = 0; ox < ow; ox++) {
                    int start = row + ox * kw;
                    int at = argmax(x, start, w, kh, kw);
                    fill(x, start, w, kh, kw, 0f);
                    x[at] = dy[o++];
                }
            }
            zeroUncovered(x, p, h, w, oh * kh, ow * kw);
        }
    }

    // The 2 x 2 windows of MaxPool2d(2), the usual case, written out with Math.max and conditional
    // moves: the general loops' data-dependent branches are mispredicted about half the time, which
    // made them 3-5 times slower.
    private static void max2x2Forward(float[] x, float[] y, int planes, int h, int w) {
        int oh = h / 2;
        int ow = w / 2;
        int o = 0;
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                int r0 = (p * h + 2 * oy) * w;
                int r1 = r0 + w;
                for (int ox = 0; ox < ow; ox++) {
                    int i = 2 * ox;
                    y[o++] = Math.max(Math.max(x[r0 + i], x[r0 + i + 1]), Math.max(x[r1 + i], x[r1 + i + 1]));
                }
            }
        }
    }

    // The gradient goes to the first value equal to the maximum (to the first value, with NaN).
    private static void max2x2BackwardInPlace(float[] x, float[] dy, int planes, int h, int w) {
        int oh = h / 2;
        int ow = w / 2;
        int o = 0;
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                int r0 = (p * h + 2 * oy) * w;
                int r1 = r0 + w;
                for (int ox = 0; ox < ow; ox++) {
                    int i = r0 + 2 * ox;
                    int j = r1 + 2 * ox;
                    float a = x[i];
                    float b = x[i + 1];
                    float c = x[j];
                    float d = x[j + 1];
                    float m = Math.max(Math.max(a, b), Math.max(c, d));
                    int at = d == m ? j + 1 : i;
                    at = c == m ? j : at;
                    at = b == m ? i + 1 : at;
                    at = a == m ? i : at;
                    x[i] = 0f;
                    x[i + 1] = 0f;
                    x[j] = 0f;
                    x[j + 1] = 0f;
                    x[at] = dy[o++];
                }
            }
            zeroUncovered(x, p, h, w, oh * 2, ow * 2);
        }
    }

    // PyTorch's rule, applied in row-major order: a value takes the window's maximum when it is larger
    // or NaN, so the first largest value wins and NaN propagates.
    private static boolean replaces(float v, float max) {
        return v > max || v != v;
    }

    static void avgForward(float[] x, float[] y, int planes, int h, int w, int kh, int kw) {
        int oh = h / kh;
        int ow = w / kw;
        float size = kh * kw;
        int o = 0;
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                int row = (p * h + oy * kh) * w;
                for (int ox = 0; ox < ow; ox++) {
                    int start = row + ox * kw;
                    float sum = 0f;
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0; j < kw; j++) {
                            sum += x[start + i * w + j];
                        }
                    }
                    y[o++] = sum / size;
                }
            }
        }
    }

    /** Writes into {@code dx} (planes × h × w) the gradient with respect to the input, given the output's {@code dy}. */
    static void avgBackward(float[] dy, float[] dx, int planes, int h, int w, int kh, int kw) {
        int oh = h / kh;
        int ow = w / kw;
        float size = kh * kw;
        int o = 0;
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                int row = (p * h + oy * kh) * w;
                for (int ox = 0; ox < ow; ox++) {
                    fill(dx, row + ox * kw, w, kh, kw, dy[o++] / size);
                }
            }
            zeroUncovered(dx, p, h, w, oh * kh, ow * kw);
        }
    }

    private static int argmax(float[] x, int start, int w, int kh, int kw) {
        int best = start;
        float max = x[start];
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                int at = start + i * w + j;
                float v = x[at];
                if (replaces(v, max)) {
                    max = v;
                    best = at;
                }
            }
        }
        return best;
    }

    private static void fill(float[] a, int start, int w, int kh, int kw, float value) {
        for (int i = 0; i < kh; i++) {
            Arrays.fill(a, start + i * w, start + i * w + kw, value);
        }
    }

    // The columns right of the last window and the rows below it, in plane p.
    private static void zeroUncovered(float[] a, int p, int h, int w, int coveredH, int coveredW) {
        int plane = p * h * w;
        if (coveredW < w) {
            for (int y = 0; y < coveredH; y++) {
                Arrays.fill(a, plane + y * w + coveredW, plane + (y + 1) * w, 0f);
            }
        }
        Arrays.fill(a, plane + coveredH * w, plane + h * w, 0f);
    }
}
