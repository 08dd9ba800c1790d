package io.kindling.worker.exchange;

import io.kindling.worker.FlatVector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads a block's little-endian values in order from the buffers it arrived in. A block fetched
 * over the network comes as many buffers (what the socket delivered each time) whose edges may cut a
 * value in two; reading them where they are spares merging them into one copy first.
 */
final class BlockReader {
    private final ByteBuffer[] parts;
    private final ByteBuffer gathered;
    private int part;

    /**
     * @param gathered room for what one read takes ({@link WeightedMean#CHUNK} values) when the
     *                 buffers' edges cut it: readers used one at a time may share it
     */
    BlockReader(ByteBuffer gathered, ByteBuffer... parts) {
        this.gathered = gathered.order(ByteOrder.LITTLE_ENDIAN);
        this.parts = new ByteBuffer[parts.length];
        for (int i = 0; i < parts.length; i++) {
            this.parts[i] = parts[i].duplicate().order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    long readLong() {
        return bytes(Long.BYTES).getLong();
    }

    int readInt() {
        return bytes(Integer.BYTES).getInt();
    }

    double readDouble() {
        return bytes(Double.BYTES).getDouble();
    }

    /** The bytes left. */
    long remaining() {
        long n = 0;
        for (int i = part; i < parts.length; i++) {
            n += parts[i].remaining();
        }
        return n;
    }

    /** The next {@code n} values (n at most {@link WeightedMean#CHUNK}) into {@code into}. */
    void readFloats(float[] into, int n) {
        ByteBuffer current = current();
        if (current != null && current.remaining() >= n * Float.BYTES) {
            current.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(into, 0, n);
            current.position(current.position() + n * Float.BYTES);
        } else {
            bytes(n * Float.BYTES).asFloatBuffer().get(into, 0, n);
        }
    }

    /** Copies the next {@code n} values into {@code target} from index {@code at}. */
    void copyTo(FlatVector target, long at, long n) {
        while (n > 0) {
            ByteBuffer current = current();
            int whole = current == null ? 0 : current.remaining() / Float.BYTES;
            if (whole > 0) {
                int m = (int) Math.min(n, whole);
                ByteBuffer values = current.duplicate();
                values.limit(values.position() + m * Float.BYTES);
                target.write(at, values);
                current.position(current.position() + m * Float.BYTES);
                at += m;
                n -= m;
            } else { // a value cut by the edge of a buffer
                target.write(at, bytes(Float.BYTES));
                at++;
                n--;
            }
        }
    }

    /** The current buffer with bytes left, or null at the end. */
    private ByteBuffer current() {
        while (part < parts.length && !parts[part].hasRemaining()) {
            part++;
        }
        return part < parts.length ? parts[part] : null;
    }

    /** Room for one read cut by buffer edges, for the readers of one task. */
    static ByteBuffer gatherBuffer() {
        return ByteBuffer.allocate(WeightedMean.CHUNK * Float.BYTES);
    }

    /** The next {@code n} bytes, gathered across buffers, as a little-endian buffer. */
    private ByteBuffer bytes(int n) {
        gathered.clear().limit(n);
        while (gathered.hasRemaining()) {
            ByteBuffer current = current();
            if (current == null) {
                throw new IllegalStateException("an averaging block ended " + gathered.remaining() + " bytes early");
            }
            ByteBuffer take = current.duplicate();
            take.limit(take.position() + Math.min(take.remaining(), gathered.remaining()));
            current.position(take.limit());
            gathered.put(take);
        }
        return gathered.flip();
    }
}
