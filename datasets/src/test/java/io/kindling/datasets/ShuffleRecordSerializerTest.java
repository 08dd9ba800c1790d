package io.kindling.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

class ShuffleRecordSerializerTest {
    private static final ClassTag<Object> ANY = ClassTag$.MODULE$.Any();
    private final SerializerInstance serializer = new ShuffleRecordSerializer().newInstance();

    @Test
    void positionsAndExamplesComeBackAsTheyWereWritten() {
        List<Tuple2<Long, Example>> records = List.of(
                new Tuple2<>(7L, Example.image(3, 9, new byte[] {0, 1, (byte) 255})),
                new Tuple2<>(1L << 40, Example.numeric(4, -2.5f, new float[] {1.5f, Float.NaN, -0f})),
                new Tuple2<>(0L, Example.image(5, 0, new byte[0])));
        List<Tuple2<Object, Object>> read = readAll(write(records));
        assertEquals(records.size(), read.size(), "the stream ends after the last record");
        for (int i = 0; i < records.size(); i++) {
            assertEquals(records.get(i)._1(), read.get(i)._1());
            assertSame(records.get(i)._2(), (Example) read.get(i)._2());
        }
        Object alone = serializer.deserialize(serializer.serialize((Object) records.get(1)._2(), ANY), ANY);
        assertSame(records.get(1)._2(), (Example) alone);
    }

    @Test
    void recordsStandAloneSoSparkMayReorderTheirBytes() {
        // Spark's serialized sort moves each record's bytes on its own: written one by one and
        // concatenated in another order, they read back in that order.
        List<Tuple2<Long, Example>> records = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            records.add(new Tuple2<>((long) i, Example.image(i, i, new byte[] {(byte) i, (byte) (2 * i)})));
        }
        ByteArrayOutputStream reordered = new ByteArrayOutputStream();
        for (int i = records.size() - 1; i >= 0; i--) {
            reordered.writeBytes(write(List.of(records.get(i))));
        }
        List<Tuple2<Object, Object>> read = readAll(reordered.toByteArray());
        for (int i = 0; i < records.size(); i++) {
            assertEquals((long) (records.size() - 1 - i), read.get(i)._1());
        }
    }

    @Test
    void aCorruptRecordFailsNamingWhatIsWrong() {
        byte[] good = write(List.of(new Tuple2<>(1L, Example.image(8, 1, new byte[4]))));
        ByteBuffer bad = ByteBuffer.wrap(good.clone());
        bad.putInt(1 + Long.BYTES + 1 + 2 * Integer.BYTES, -1); // the example's feature count
        Exception e = assertThrows(IOException.class, () -> readAll(bad.array()));
        assertTrue(e.getMessage().contains("example 8 claims -1 features"), e.getMessage());

        byte[] untagged = good.clone();
        untagged[0] = 'x';
        e = assertThrows(IOException.class, () -> readAll(untagged));
        assertTrue(e.getMessage().contains("not an epoch shuffle record"), e.getMessage());

        SerializationStream out = serializer.serializeStream(new ByteArrayOutputStream());
        assertThrows(IllegalArgumentException.class, () -> out.writeObject("a string", ANY));
    }

    private byte[] write(List<Tuple2<Long, Example>> records) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SerializationStream out = serializer.serializeStream(bytes);
        for (Tuple2<Long, Example> r : records) {
            out.writeKey(r._1(), ANY);
            out.writeValue(r._2(), ANY);
        }
        out.close();
        return bytes.toByteArray();
    }

    private List<Tuple2<Object, Object>> readAll(byte[] bytes) {
        Iterator<Tuple2<Object, Object>> in = serializer.deserializeStream(new ByteArrayInputStream(bytes))
                .asKeyValueIterator();
        List<Tuple2<Object, Object>> read = new ArrayList<>();
        while (in.hasNext()) {
            read.add(in.next());
        }
        assertFalse(in.hasNext());
        return read;
    }

    private static void assertSame(Example expected, Example actual) {
        assertEquals(expected.index(), actual.index());
        assertEquals(Float.floatToIntBits(expected.target()), Float.floatToIntBits(actual.target()));
        assertArrayEquals(expected.pixels(), actual.pixels());
        if (expected.values() != null) {
            assertEquals(expected.values().length, actual.values().length);
            for (int i = 0; i < expected.values().length; i++) {
                assertEquals(Float.floatToIntBits(expected.values()[i]), Float.floatToIntBits(actual.values()[i]));
            }
        }
    }
}
