package io.kindling.worker.layers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * One layer of a {@link FusedStack}: its forward pass into an output buffer of its own and its
 * backward pass. Values are per example rows, NCHW for images, in native memory that BLAS reads.
 */
abstract class Stage {
    /** Values per example coming in and going out. */
    final int in;
    final int out;
    FloatBuffer output;
    FloatPointer outputPointer;
    private int capacity;

    Stage(int in, int out) {
        this.in = in;
        this.out = out;
    }

    /** Makes room for minibatches of up to {@code examples}. */
    final void reserve(int examples) {
        if (examples > capacity) {
            output = floats((long) examples * out);
            outputPointer = new FloatPointer(output);
            reserveMore(examples);
            capacity = examples;
        }
    }

    /** The most values any of this stage's buffers holds per example: what bounds its memory. */
    long valuesPerExample() {
        return Math.max(in, out);
    }

    /** Buffers of a stage's own, besides its output. */
    void reserveMore(int examples) {
    }

    /**
     * Computes the output of {@code examples} inputs {@code x} (the same memory as {@code xValues}).
     * {@code training} turns dropout on and keeps what the backward pass needs.
     */
    abstract void forward(FloatPointer x, FloatBuffer xValues, int examples, boolean training, FloatPointer params);

    /**
     * From the gradient at the output, {@code deltas.out}, writes this stage's parameter gradients
     * into {@code grads} and, when {@code inputGradient}, the gradient at its input; returns
     * whether that went to {@code deltas.in} (the caller then swaps them) rather than in place.
     */
    abstract boolean backward(FloatPointer x, FloatBuffer xValues, int examples, Deltas deltas, FloatPointer params,
                              FloatPointer grads, boolean inputGradient);

    /** A direct buffer of {@code n} floats in native order, which a FloatPointer can wrap. */
    static FloatBuffer floats(long n) {
        return ByteBuffer.allocateDirect(Math.toIntExact(n * Float.BYTES)).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    static FloatPointer at(FloatPointer base, long offset) {
        return new FloatPointer(base).position(base.position() + offset);
    }

    static void copy(FloatBuffer from, FloatBuffer to, int n) {
        to.clear();
        to.put(from.duplicate().position(0).limit(n));
        to.clear();
    }

    /**
     * The sum of the first n values, in doubles and four running sums: one running sum would be a
     * chain of dependent additions, each waiting for the last.
     */
    static float sum(float[] values, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += values[i];
            s1 += values[i + 1];
            s2 += values[i + 2];
            s3 += values[i + 3];
        }
        for (; i < n; i++) {
            s0 += values[i];
        }
        return (float) ((s0 + s1) + (s2 + s3));
    }
}
