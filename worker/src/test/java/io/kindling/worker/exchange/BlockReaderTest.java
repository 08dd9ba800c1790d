package io.kindling.worker.exchange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kindling.worker.FlatVector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Blocks read where they arrived: values and header fields cut by the edges of the buffers. */
class BlockReaderTest {
    private static final int N = 10_000;

    /** A block (header, then N values) cut into buffers of {@code size} bytes, as a socket may deliver it. */
    private static ByteBuffer[] block(int size) {
        ByteBuffer whole = ByteBuffer.allocate(16 + N * 4).order(ByteOrder.LITTLE_ENDIAN);
        whole.putLong(640).putInt(5).putInt(N);
        for (int i = 0; i < N; i++) {
            whole.putFloat(i * 0.5f);
        }
        whole.flip();
        List<ByteBuffer> parts = new ArrayList<>();
        for (int at = 0; at < whole.limit(); at += size) {
            parts.add(whole.duplicate().position(at).limit(Math.min(at + size, whole.limit())).slice());
        }
        return parts.toArray(ByteBuffer[]::new);
    }

    @Test
    void valuesCutByBufferEdgesReadWhole() {
        for (int size : new int[] {7, 4096, 1 << 20}) {
            BlockReader reader = new BlockReader(BlockReader.gatherBuffer(), block(size));
            assertEquals(640, reader.readLong());
            assertEquals(5, reader.readInt());
            assertEquals(N, reader.readInt());
            float[] values = new float[WeightedMean.CHUNK];
            for (int from = 0; from < N; from += WeightedMean.CHUNK) {
                int n = Math.min(WeightedMean.CHUNK, N - from);
                reader.readFloats(values, n);
                for (int i = 0; i < n; i++) {
                    assertEquals((from + i) * 0.5f, values[i], "buffers of " + size + " bytes, value " + (from + i));
                }
            }
            assertEquals(0, reader.remaining());
            assertThrows(IllegalStateException.class, reader::readInt, "past the end");
        }
    }

    @Test
    void copiesIntoAVectorAcrossBufferEdges() {
        BlockReader reader = new BlockReader(BlockReader.gatherBuffer(), block(7));
        reader.readLong();
        reader.readInt();
        reader.readInt();
        FlatVector target = FlatVector.onHeap(N + 3);
        reader.copyTo(target, 3, N);
        ByteBuffer out = ByteBuffer.allocate(N * 4).order(ByteOrder.LITTLE_ENDIAN);
        target.read(3, out);
        float[] values = new float[N];
        out.flip().asFloatBuffer().get(values);
        float[] expected = new float[N];
        for (int i = 0; i < N; i++) {
            expected[i] = i * 0.5f;
        }
        assertArrayEquals(expected, values);
    }
}
