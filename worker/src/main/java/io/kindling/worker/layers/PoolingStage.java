package io.kindling.worker.layers;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;

/** 2 × 2 max or average pooling with stride 2 on NCHW planes, with {@link PoolingKernels} (as {@link CpuPooling}). */
final class PoolingStage extends Stage {
    private final boolean max;
    private final int channels;
    private final int h;
    private final int w;
    private float[] x = new float[0];
    private float[] y = new float[0];
    private byte[] argmax = new byte[0];

    PoolingStage(boolean max, int channels, int h, int w) {
        super(channels * h * w, channels * (h / 2) * (w / 2));
        this.max = max;
        this.channels = channels;
        this.h = h;
        this.w = w;
    }

    boolean isMax() {
        return max;
    }

    @Override
    void reserveMore(int examples) {
        x = new float[examples * in];
        y = new float[examples * out];
        argmax = max ? new byte[examples * out] : argmax;
    }

    @Override
    void forward(FloatPointer input, FloatBuffer xValues, int examples, boolean training, FloatPointer params) {
        int planes = examples * channels;
        xValues.get(0, x, 0, examples * in);
        if (!max) {
            PoolingKernels.avgForward(x, y, planes, h, w);
        } else if (training) {
            PoolingKernels.maxForward(x, y, argmax, 0, planes, h, w);
        } else {
            PoolingKernels.maxForward(x, y, planes, h, w);
        }
        output.put(0, y, 0, examples * out);
    }

    @Override
    boolean backward(FloatPointer input, FloatBuffer xValues, int examples, Deltas deltas, FloatPointer params,
                     FloatPointer grads, boolean inputGradient) {
        if (!inputGradient) {
            return false;
        }
        int planes = examples * channels;
        deltas.out.get(0, y, 0, examples * out);
        if (max) {
            PoolingKernels.maxBackward(argmax, 0, y, x, planes, h, w);
        } else {
            PoolingKernels.avgBackward(y, x, planes, h, w);
        }
        deltas.in.put(0, x, 0, examples * in);
        return true;
    }
}
