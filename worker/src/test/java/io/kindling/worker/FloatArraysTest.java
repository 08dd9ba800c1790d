package io.kindling.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bulk serial form of the arrays each averaging round ships: every bit survives, across chunk edges. */
class FloatArraysTest {
    @SuppressWarnings("unchecked")
    static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    private static float[] random(int n, long seed) {
        Random random = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = Float.intBitsToFloat(random.nextInt()); // any bits, NaN payloads included
        }
        return a;
    }

    @Test
    void roundStateKeepsEveryField() throws Exception {
        float[] params = random(3 * 65536 + 7, 1);
        float[] updater = random(5, 2);
        RoundState back = roundTrip(new RoundState(3, 17, 940, 0.7, params, updater));
        assertEquals(3, back.epoch());
        assertEquals(17, back.round());
        assertEquals(940, back.iteration());
        assertEquals(0.7, back.learningRate());
        assertArrayEquals(bits(params), bits(back.params()));
        assertArrayEquals(bits(updater), bits(back.updaterState()));
    }

    @Test
    void roundResultKeepsArraysCountsAndNulls() throws Exception {
        float[] params = random(65536, 3);
        RoundResult result = new RoundResult(params, new float[0], 640, 12.5, 10, 99, new int[] {4, 2});
        result.withFetchNanos(5);
        RoundResult back = roundTrip(result);
        assertArrayEquals(bits(params), bits(back.params()));
        assertEquals(0, back.updaterState().length);
        assertEquals(640, back.examples());
        assertEquals(12.5, back.lossSum());
        assertEquals(99, back.maxComputeNanos());
        assertEquals(5, back.maxFetchNanos());
        assertArrayEquals(new int[] {4, 2}, back.trainedIndices());
        assertNull(roundTrip(RoundResult.empty()).params());
    }

    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Float.floatToRawIntBits(a[i]);
        }
        return b;
    }
}
