package io.kindling.worker;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Floats addressed by one index from 0 to {@link #length()}, stored in one or more parts: what
 * averaging treats as the model's vector (a network's parameters, followed by its updater state when
 * that is averaged too). On the CPU backend the parts are views of the network's native memory, so
 * copies in and out are single memcpys; on other backends (CUDA) they go through ND4J. Values move
 * in and out as little-endian floats, the byte order of the exchange's blocks.
 */
public final class FlatVector {
    private static final int MAX_PART_FLOATS = 1 << 28; // a heap ByteBuffer holds at most 2 GB

    private final Part[] parts;
    private final long[] starts;
    private final long length;

    private FlatVector(Part[] parts) {
        this.parts = parts;
        this.starts = new long[parts.length + 1];
        for (int i = 0; i < parts.length; i++) {
            starts[i + 1] = starts[i] + parts[i].length();
        }
        this.length = starts[parts.length];
    }

    /** The network's parameters and, when asked and it has any, its updater state after them. */
    public static FlatVector of(MultiLayerNetwork net, boolean withUpdaterState) {
        INDArray state = withUpdaterState ? net.getUpdater().getStateViewArray() : null;
        return state == null || state.length() == 0 ? over(net.params()) : over(net.params(), state);
    }

    /** The network's updater state alone (empty for an updater that keeps none). */
    public static FlatVector updaterState(MultiLayerNetwork net) {
        INDArray state = net.getUpdater().getStateViewArray();
        return state == null || state.length() == 0 ? onHeap(0) : over(state);
    }

    /** A vector of {@code length} zeros on the heap, for copies of a model. */
    public static FlatVector onHeap(long length) {
        int count = (int) ((length + MAX_PART_FLOATS - 1) / MAX_PART_FLOATS);
        Part[] parts = new Part[count];
        for (int i = 0; i < count; i++) {
            long floats = Math.min(MAX_PART_FLOATS, length - (long) i * MAX_PART_FLOATS);
            parts[i] = new Bytes(ByteBuffer.allocate((int) floats * Float.BYTES));
        }
        return new FlatVector(parts);
    }

    private static FlatVector over(INDArray... arrays) {
        Part[] parts = new Part[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            FloatPointer p = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? NativeFloats.of(arrays[i]) : null;
            parts[i] = p != null ? new Native(p, arrays[i].length(), view(p, 0, arrays[i].length()))
                    : new Array(arrays[i]);
        }
        return new FlatVector(parts);
    }

    /** The same arrays reached through ND4J, as on backends without native views (for tests). */
    static FlatVector throughNd4j(INDArray... arrays) {
        Part[] parts = new Part[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            parts[i] = new Array(arrays[i]);
        }
        return new FlatVector(parts);
    }

    public long length() {
        return length;
    }

    /**
     * The native memory of values {@code [from, from + n)} as a buffer of their own (not a slice of
     * another, so Spark's BlockManager, disposing it, does nothing to it), when they lie in one native
     * part; else null. The caller must not let the buffer outlive the network.
     */
    public ByteBuffer view(long from, int n) {
        check(from, n);
        for (int i = 0; i < parts.length; i++) {
            if (from >= starts[i] && from + n <= starts[i + 1] && parts[i] instanceof Native p) {
                return view(p.pointer(), from - starts[i], n);
            }
        }
        return null;
    }

    /** A buffer over n values from {@code offset}, starting at position 0 (as Spark's blocks must). */
    private static ByteBuffer view(FloatPointer pointer, long offset, long n) {
        FloatPointer first = pointer.getPointer(pointer.position() + offset);
        return first.position(0).limit(n).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Copies values {@code [from, from + n)} into {@code into}, n being its remaining bytes / 4; advances it. */
    public void read(long from, ByteBuffer into) {
        forEachPart(from, into.remaining() / Float.BYTES, (part, offset, count) -> part.read(offset, count, into));
    }

    /** Copies {@code from}'s remaining values into {@code [at, at + n)}; advances it. */
    public void write(long at, ByteBuffer from) {
        forEachPart(at, from.remaining() / Float.BYTES, (part, offset, count) -> part.write(offset, count, from));
    }

    /** What to do with {@code count} values of a part from {@code offset}. */
    private interface PartRange {
        void apply(Part part, int offset, int count);
    }

    /** Walks values {@code [from, from + n)} part by part, in order. */
    private void forEachPart(long from, long n, PartRange action) {
        check(from, n);
        for (int i = 0; i < parts.length && n > 0; i++) {
            if (from < starts[i + 1]) {
                int count = (int) Math.min(n, starts[i + 1] - from);
                action.apply(parts[i], (int) (from - starts[i]), count);
                from += count;
                n -= count;
            }
        }
    }

    /** Copies every value into {@code other}, which has the same length. */
    public void copyTo(FlatVector other) {
        if (other.length != length) {
            throw new IllegalArgumentException("vectors of " + length + " and " + other.length + " values");
        }
        for (int i = 0; i < parts.length; i++) {
            ByteBuffer values;
            if (parts[i] instanceof Bytes b) {
                values = b.bytes.duplicate().clear();
            } else if (parts[i] instanceof Native n) {
                values = n.bytes.duplicate().clear();
            } else {
                values = ByteBuffer.allocate(Math.toIntExact(parts[i].length() * Float.BYTES));
                parts[i].read(0, (int) parts[i].length(), values);
                values.flip();
            }
            other.write(starts[i], values);
        }
    }

    private void check(long from, long n) {
        if (from < 0 || n < 0 || from + n > length) {
            throw new IndexOutOfBoundsException("values [" + from + ", " + (from + n) + ") of " + length);
        }
    }

    /** A run of consecutive values. */
    private interface Part {
        long length();

        /** Copies {@code count} values from {@code offset} into {@code into} and advances it. */
        void read(int offset, int count, ByteBuffer into);

        /** Copies {@code count} values from {@code from} into {@code offset...} and advances it. */
        void write(int offset, int count, ByteBuffer from);
    }

    /** Values in native memory (a network's array on the CPU backend): copies move bytes. */
    private record Native(FloatPointer pointer, long length, ByteBuffer bytes) implements Part {
        @Override
        public void read(int offset, int count, ByteBuffer into) {
            new Bytes(bytes).read(offset, count, into);
        }

        @Override
        public void write(int offset, int count, ByteBuffer from) {
            new Bytes(bytes).write(offset, count, from);
        }
    }

    /** Values in a byte buffer: copies move bytes. */
    private record Bytes(ByteBuffer bytes) implements Part {
        @Override
        public long length() {
            return bytes.capacity() / Float.BYTES;
        }

        @Override
        public void read(int offset, int count, ByteBuffer into) {
            into.put(bytes.duplicate().position(offset * Float.BYTES).limit((offset + count) * Float.BYTES));
        }

        @Override
        public void write(int offset, int count, ByteBuffer from) {
            ByteBuffer source = from.duplicate();
            source.limit(source.position() + count * Float.BYTES);
            bytes.duplicate().position(offset * Float.BYTES).put(source);
            from.position(from.position() + count * Float.BYTES);
        }
    }

    /** Values of an ND4J array reached through ND4J's own copies (device memory on CUDA). */
    private record Array(INDArray array) implements Part {
        @Override
        public long length() {
            return array.length();
        }

        @Override
        public void read(int offset, int count, ByteBuffer into) {
            float[] values = interval(offset, count).toFloatVector();
            into.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values);
            into.position(into.position() + count * Float.BYTES);
        }

        @Override
        public void write(int offset, int count, ByteBuffer from) {
            float[] values = new float[count];
            from.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            interval(offset, count).assign(Nd4j.create(values, new long[] {count}, 'c'));
            from.position(from.position() + count * Float.BYTES);
        }

        private INDArray interval(int offset, int count) {
            return array.reshape(array.length()).get(NDArrayIndex.interval(offset, offset + count));
        }
    }
}
