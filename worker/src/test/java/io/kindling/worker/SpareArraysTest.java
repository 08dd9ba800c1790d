package io.kindling.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SpareArraysTest {
    @Test
    void arraysGivenBackAreTakenAgainByLengthAndAtMostFourAreKept() {
        SpareArrays.clear();
        float[] given = new float[12345];
        SpareArrays.giveBack(given);
        assertNotSame(given, SpareArrays.take(12346), "another length gets a new array");
        assertSame(given, SpareArrays.take(12345));
        assertNotSame(given, SpareArrays.take(12345), "taken once, not twice");

        Set<float[]> six = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            float[] a = new float[777];
            six.add(a);
            SpareArrays.giveBack(a);
        }
        int reused = 0;
        for (int i = 0; i < 6; i++) {
            float[] a = SpareArrays.take(777);
            assertEquals(777, a.length);
            reused += six.contains(a) ? 1 : 0;
        }
        assertEquals(4, reused);
        SpareArrays.clear();
    }
}
