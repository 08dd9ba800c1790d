package io.kindling.worker.layers;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;

/** The backward pass's two gradient buffers: at the current stage's output, and at its input. */
final class Deltas {
    FloatBuffer out;
    FloatBuffer in;
    FloatPointer outPointer;
    FloatPointer inPointer;
    private long capacity;

    void reserve(long values) {
        if (values > capacity) {
            out = Stage.floats(values);
            in = Stage.floats(values);
            outPointer = new FloatPointer(out);
            inPointer = new FloatPointer(in);
            capacity = values;
        }
    }

    /** The input's gradient becomes the output gradient of the stage before. */
    void swap() {
        FloatBuffer b = out;
        out = in;
        in = b;
        FloatPointer p = outPointer;
        outPointer = inPointer;
        inPointer = p;
    }
}
