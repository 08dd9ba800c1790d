package io.kindling.worker;

import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Float arrays in Java serialization as raw bytes, in bulk. Every segment ships the model and updater
 * state to the tasks and back (14 MB for the MNIST CNN with Adadelta), and ObjectOutputStream's own
 * float[] path converts one element at a time.
 */
public final class FloatArrays {
    private static final int CHUNK = 1 << 16; // floats per write: a 256 KB buffer

    private FloatArrays() {
    }

    public static void write(ObjectOutput out, float[] values) throws IOException {
        if (values == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(values.length);
        byte[] bytes = new byte[Math.min(values.length, CHUNK) * Float.BYTES];
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < values.length; from += CHUNK) {
            int n = Math.min(CHUNK, values.length - from);
            buffer.clear();
            buffer.asFloatBuffer().put(values, from, n);
            out.write(bytes, 0, n * Float.BYTES);
        }
    }

    public static float[] read(ObjectInput in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        float[] values = new float[length];
        byte[] bytes = new byte[Math.min(length, CHUNK) * Float.BYTES];
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < length; from += CHUNK) {
            int n = Math.min(CHUNK, length - from);
            in.readFully(bytes, 0, n * Float.BYTES);
            buffer.clear();
            buffer.asFloatBuffer().get(values, from, n);
        }
        return values;
    }
}
