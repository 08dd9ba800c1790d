package io.kindling.worker.layers;

import java.util.Arrays;

/**
 * Max and average pooling over row-major NCHW planes in 2 × 2 windows with stride 2, PyTorch's
 * {@code MaxPool2d(2)} and {@code AvgPool2d(2)}. An odd last row or column is left out of the output
 * and gets zero gradient, as with PyTorch's default floor mode. A max window's gradient goes to its
 * first value equal to the maximum in row-major order, as in PyTorch's CPU kernel; a window holding
 * NaN outputs NaN, and its gradient goes to one of its values (the NaN that max returned, where its
 * bits come back unchanged, as on x86). The loops use {@code Math.max} and
 * integer arithmetic: written with data-dependent branches, which mispredict about half the time on
 * real activations, they were 3-5 times slower.
 */
final class PoolingKernels {
    private PoolingKernels() {
    }

    static void maxForward(float[] x, float[] y, int planes, int h, int w) {
        for (int p = 0; p < planes; p++) {
            maxForward(x, p * h * w, w, y, p * (h / 2) * (w / 2), h, w);
        }
    }

    /**
     * One plane of h rows of w values, row r starting at {@code x[from + r · stride]}, pooled into
     * {@code y} from {@code to} on, row-major. A plane may be a wider one's left part (stride > w).
     */
    static void maxForward(float[] x, int from, int stride, float[] y, int to, int h, int w) {
        int o = to;
        for (int oy = 0; oy < h / 2; oy++) {
            int r0 = from + 2 * oy * stride;
            int r1 = r0 + stride;
            for (int ox = 0; ox < w / 2; ox++) {
                int i = 2 * ox;
                y[o++] = Math.max(Math.max(x[r0 + i], x[r0 + i + 1]), Math.max(x[r1 + i], x[r1 + i + 1]));
            }
        }
    }

    /**
     * {@link #maxForward}, also writing for each window, from {@code argmax[at]} on, which of its four
     * values (0-3, row-major) the gradient goes to.
     */
    static void maxForward(float[] x, float[] y, byte[] argmax, int at, int planes, int h, int w) {
        int pooled = (h / 2) * (w / 2);
        for (int p = 0; p < planes; p++) {
            maxForward(x, p * h * w, w, y, p * pooled, argmax, at + p * pooled, h, w);
        }
    }

    /** One plane as in {@link #maxForward(float[], int, int, float[], int, int, int)}, recording argmax from {@code at} on. */
    static void maxForward(float[] x, int from, int stride, float[] y, int to, byte[] argmax, int at, int h, int w) {
        int o = to;
        int a = at;
        for (int oy = 0; oy < h / 2; oy++) {
            int i = from + 2 * oy * stride;
            int j = i + stride;
            for (int ox = 0; ox < w / 2; ox++, i += 2, j += 2, o++, a++) {
                float v0 = x[i];
                float v1 = x[i + 1];
                float v2 = x[j];
                float v3 = x[j + 1];
                float m = Math.max(Math.max(v0, v1), Math.max(v2, v3));
                y[o] = m;
                argmax[a] = (byte) argmax(v0, v1, v2, v3, m);
            }
        }
    }

    /**
     * Which of a window's values (0-3) is the first whose bits are those of m, its maximum, computed in
     * integer arithmetic: float compares compiled to branches, which mispredict on real activations.
     * m is one of the four, so there always is one; with NaN it is the NaN that max returned.
     */
    private static int argmax(float a, float b, float c, float d, float m) {
        int im = Float.floatToRawIntBits(m);
        int k = 3;
        k += (2 - k) & equal(Float.floatToRawIntBits(c), im);
        k += (1 - k) & equal(Float.floatToRawIntBits(b), im);
        return k & ~equal(Float.floatToRawIntBits(a), im);
    }

    // All ones when x == y, else 0
    private static int equal(int x, int y) {
        int d = x ^ y;
        return ~((d | -d) >> 31);
    }

    /** Writes into {@code dx} the gradient with respect to the input, given the output's {@code dy} and the forward's argmax. */
    static void maxBackward(byte[] argmax, int at, float[] dy, float[] dx, int planes, int h, int w) {
        int pooled = (h / 2) * (w / 2);
        for (int p = 0; p < planes; p++) {
            maxBackward(argmax, at + p * pooled, dy, p * pooled, dx, p * h * w, w, h, w);
        }
    }

    /**
     * One plane of {@link #maxBackward}: dy from {@code dyAt} on, dx's row r from
     * {@code dx[dxAt + r · stride]} on; values of dx past w in each row are not written.
     */
    static void maxBackward(byte[] argmax, int at, float[] dy, int dyAt, float[] dx, int dxAt, int stride, int h, int w) {
        int o = dyAt;
        int a = at;
        for (int oy = 0; oy < h / 2; oy++) {
            int i = dxAt + 2 * oy * stride;
            int j = i + stride;
            for (int ox = 0; ox < w / 2; ox++, i += 2, j += 2, o++, a++) {
                int g = Float.floatToRawIntBits(dy[o]);
                int k = argmax[a];
                // ((k ^ v) - 1) >> 31 is all ones when k == v, else 0: no branch, no float select
                dx[i] = Float.intBitsToFloat(g & (k - 1) >> 31);
                dx[i + 1] = Float.intBitsToFloat(g & ((k ^ 1) - 1) >> 31);
                dx[j] = Float.intBitsToFloat(g & ((k ^ 2) - 1) >> 31);
                dx[j + 1] = Float.intBitsToFloat(g & ((k ^ 3) - 1) >> 31);
            }
        }
        zeroLeftOver(dx, dxAt, stride, h, w);
    }

    /** Turns {@code x}, the forward input, into the gradient with respect to it, given the output's {@code dy}. */
    static void maxBackwardInPlace(float[] x, float[] dy, int planes, int h, int w) {
        int o = 0;
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < h / 2; oy++) {
                int i = (p * h + 2 * oy) * w;
                int j = i + w;
                for (int ox = 0; ox < w / 2; ox++, i += 2, j += 2) {
                    float a = x[i];
                    float b = x[i + 1];
                    float c = x[j];
                    float d = x[j + 1];
                    float m = Math.max(Math.max(a, b), Math.max(c, d));
                    int k = argmax(a, b, c, d, m);
                    int at = i + (k >> 1) * w + (k & 1);
                    x[i] = 0f;
                    x[i + 1] = 0f;
                    x[j] = 0f;
                    x[j + 1] = 0f;
                    x[at] = dy[o++];
                }
            }
            zeroLeftOver(x, p * h * w, w, h, w);
        }
    }

    static void avgForward(float[] x, float[] y, int planes, int h, int w) {
        int o = 0;
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < h / 2; oy++) {
                int r0 = (p * h + 2 * oy) * w;
                int r1 = r0 + w;
                for (int ox = 0; ox < w / 2; ox++) {
                    int i = 2 * ox;
                    y[o++] = (x[r0 + i] + x[r0 + i + 1] + x[r1 + i] + x[r1 + i + 1]) / 4f;
                }
            }
        }
    }

    /** Writes into {@code dx} (planes × h × w) the gradient with respect to the input, given the output's {@code dy}. */
    static void avgBackward(float[] dy, float[] dx, int planes, int h, int w) {
        int o = 0;
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < h / 2; oy++) {
                int i = (p * h + 2 * oy) * w;
                int j = i + w;
                for (int ox = 0; ox < w / 2; ox++, i += 2, j += 2) {
                    float g = dy[o++] / 4f;
                    dx[i] = g;
                    dx[i + 1] = g;
                    dx[j] = g;
                    dx[j + 1] = g;
                }
            }
            zeroLeftOver(dx, p * h * w, w, h, w);
        }
    }

    // The last column and row of the plane at {@code from} when its width or height is odd.
    private static void zeroLeftOver(float[] a, int from, int stride, int h, int w) {
        if (w % 2 == 1) {
            for (int y = 0; y < h; y++) {
                a[from + y * stride + w - 1] = 0f;
            }
        }
        if (h % 2 == 1) {
            Arrays.fill(a, from + (h - 1) * stride, from + (h - 1) * stride + w, 0f);
        }
    }
}
