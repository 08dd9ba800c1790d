package io.kindling.worker;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Float arrays of this JVM that nothing references any more, kept for the next round's results.
 * Under a local master every round copies each worker's model out into new arrays (14 MB for the
 * MNIST CNN with Adadelta); arrays that large are G1 "humongous" objects, and allocating them set
 * off a young collection every other round. The driver gives back the arrays a round has made
 * garbage; elsewhere nothing is given back and {@link #take} simply allocates.
 */
public final class SpareArrays {
    private static final int PER_LENGTH = 4;
    private static final Map<Integer, ConcurrentLinkedDeque<float[]>> SPARE = new ConcurrentHashMap<>();

    private SpareArrays() {
    }

    /** An array of {@code length} floats with undefined contents, which the caller overwrites entirely. */
    public static float[] take(int length) {
        ConcurrentLinkedDeque<float[]> spare = SPARE.get(length);
        float[] array = spare == null ? null : spare.pollFirst();
        return array != null ? array : new float[length];
    }

    /** Keeps {@code array} for reuse; the caller must hold the only reference left. */
    public static void giveBack(float[] array) {
        if (array == null || array.length == 0) {
            return;
        }
        ConcurrentLinkedDeque<float[]> spare = SPARE.computeIfAbsent(array.length, n -> new ConcurrentLinkedDeque<>());
        if (spare.size() < PER_LENGTH) {
            spare.addFirst(array);
        }
    }

    /** Drops every spare array. */
    public static void clear() {
        SPARE.clear();
    }
}
