package io.kindling.datasets;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.spark.serializer.DeserializationStream;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.util.ByteBufferInputStream;
import scala.reflect.ClassTag;

/**
 * The epoch shuffle's records, (position, example) pairs, as a few fixed fields and the features'
 * bytes. Java serialization, Spark's default, spent a third of a map task's time on its object
 * graph bookkeeping; and since each record's bytes here stand alone, with no state carried from one
 * to the next, Spark can sort them by chunk still serialized instead of as objects.
 *
 * <p>A record is a tag, then a position ({@code long}) or an example: its index, label, the kind of
 * its features, their count and their values (bytes for pixels, floats for numbers).
 */
final class ShuffleRecordSerializer extends Serializer implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final byte POSITION = 'P';
    private static final byte PIXELS = 'I';
    private static final byte NUMBERS = 'N';
    private static final int EXAMPLE_HEADER = Integer.BYTES + Float.BYTES + Integer.BYTES;
    private static final int MAX_FEATURES = 1 << 28;

    @Override
    public SerializerInstance newInstance() {
        return new Instance();
    }

    @Override
    public boolean supportsRelocationOfSerializedObjects() {
        return true;
    }

    private static final class Instance extends SerializerInstance {
        @Override
        public <T> ByteBuffer serialize(T t, ClassTag<T> tag) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Writer writer = new Writer(bytes);
            writer.writeObject(t, tag);
            writer.close();
            return ByteBuffer.wrap(bytes.toByteArray());
        }

        @Override
        public <T> T deserialize(ByteBuffer bytes, ClassTag<T> tag) {
            return new Reader(new ByteBufferInputStream(bytes.duplicate())).readObject(tag);
        }

        @Override
        public <T> T deserialize(ByteBuffer bytes, ClassLoader loader, ClassTag<T> tag) {
            return deserialize(bytes, tag);
        }

        @Override
        public SerializationStream serializeStream(OutputStream out) {
            return new Writer(out);
        }

        @Override
        public DeserializationStream deserializeStream(InputStream in) {
            return new Reader(in);
        }
    }

    /** Writes each record with one call to the stream below. */
    private static final class Writer extends SerializationStream {
        private final OutputStream out;
        private ByteBuffer record = ByteBuffer.allocate(1024);

        Writer(OutputStream out) {
            this.out = out;
        }

        @Override
        public <T> SerializationStream writeObject(T t, ClassTag<T> tag) {
            record.clear();
            if (t instanceof Long position) {
                room(1 + Long.BYTES).put(POSITION).putLong(position);
            } else if (t instanceof Example e && e.pixels() != null) {
                room(1 + EXAMPLE_HEADER + e.pixels().length).put(PIXELS).putInt(e.index()).putFloat(e.target())
                        .putInt(e.pixels().length).put(e.pixels());
            } else if (t instanceof Example e) {
                float[] values = e.values();
                room(1 + EXAMPLE_HEADER + values.length * Float.BYTES).put(NUMBERS).putInt(e.index())
                        .putFloat(e.target()).putInt(values.length);
                record.asFloatBuffer().put(values);
                record.position(record.position() + values.length * Float.BYTES);
            } else {
                throw new IllegalArgumentException("the epoch shuffle writes positions and examples, not "
                        + (t == null ? "null" : t.getClass().getName()));
            }
            unchecked(() -> out.write(record.array(), 0, record.position()));
            return this;
        }

        /** The record buffer, with room for {@code bytes}. */
        private ByteBuffer room(int bytes) {
            if (record.capacity() < bytes) {
                record = ByteBuffer.allocate(Math.max(bytes, 2 * record.capacity()));
            }
            return record;
        }

        @Override
        public void flush() {
            unchecked(out::flush);
        }

        @Override
        public void close() {
            unchecked(out::close);
        }
    }

    /** Reads records back; the end of the stream, between records, is Spark's EOFException. */
    private static final class Reader extends DeserializationStream {
        private final DataInputStream in;
        private final byte[] header = new byte[EXAMPLE_HEADER];

        Reader(InputStream in) {
            this.in = new DataInputStream(in);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T readObject(ClassTag<T> tag) {
            try {
                int kind = in.read();
                if (kind < 0) {
                    throw new EOFException();
                }
                if (kind == POSITION) {
                    return (T) (Long) in.readLong();
                }
                if (kind != PIXELS && kind != NUMBERS) {
                    throw new IOException("not an epoch shuffle record: tag " + kind);
                }
                in.readFully(header);
                ByteBuffer fields = ByteBuffer.wrap(header);
                int index = fields.getInt();
                float label = fields.getFloat();
                int count = fields.getInt();
                if (count < 0 || count > MAX_FEATURES) {
                    throw new IOException("an epoch shuffle record of example " + index + " claims " + count
                            + " features, expected 0 to " + MAX_FEATURES);
                }
                if (kind == PIXELS) {
                    byte[] pixels = new byte[count];
                    in.readFully(pixels);
                    return (T) Example.image(index, (int) label, pixels);
                }
                byte[] bytes = new byte[count * Float.BYTES];
                in.readFully(bytes);
                float[] values = new float[count];
                ByteBuffer.wrap(bytes).asFloatBuffer().get(values);
                return (T) Example.numeric(index, label, values);
            } catch (IOException e) {
                throw Reader.<RuntimeException>rethrow(e);
            }
        }

        /** Throws {@code e} as it is: Spark expects the EOFException that Scala's readObject may throw. */
        @SuppressWarnings("unchecked")
        private static <E extends Throwable> E rethrow(Throwable e) throws E {
            throw (E) e;
        }

        @Override
        public void close() {
            unchecked(in::close);
        }
    }

    /** Spark's streams declare no IOException. */
    private static void unchecked(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }
}
