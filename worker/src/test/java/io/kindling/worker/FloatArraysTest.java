package io.kindling.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bulk serial form of the model segments carry: every bit survives, across chunk edges. */
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
    void modelStateKeepsEveryBitAndItsIteration() throws Exception {
        float[] params = random(3 * 65536 + 7, 1);
        float[] updater = random(5, 2);
        ModelState back = roundTrip(new ModelState(params, updater, 940));
        assertEquals(940, back.iteration());
        assertArrayEquals(bits(params), bits(back.params()));
        assertArrayEquals(bits(updater), bits(back.updaterState()));
        assertEquals(0, roundTrip(new ModelState(params, new float[0], 0)).updaterState().length);
    }

    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Float.floatToRawIntBits(a[i]);
        }
        return b;
    }
}
