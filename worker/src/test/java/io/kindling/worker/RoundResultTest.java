package io.kindling.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RoundResultTest {

    @Test
    void mergeIsTheExampleWeightedMeanOfParametersAndUpdaterState() {
        RoundResult a = new RoundResult(new float[] {1, 2}, new float[] {10}, 64, 6.4, 1, 5, new int[] {1});
        RoundResult b = new RoundResult(new float[] {4, 8}, new float[] {40}, 192, 38.4, 3, 9, new int[] {2, 3});
        a.merge(b);
        assertArrayEquals(new float[] {3.25f, 6.5f}, a.params());
        assertArrayEquals(new float[] {32.5f}, a.updaterState());
        assertEquals(256, a.examples());
        assertEquals(44.8, a.lossSum(), 1e-12);
        assertEquals(4, a.minibatches());
        assertEquals(3, a.maxSteps());
        assertEquals(9, a.maxComputeNanos());
        assertArrayEquals(new int[] {1, 2, 3}, a.trainedIndices());
    }

    @Test
    void mergeGivesTheSameBitsInEitherOrder() {
        Random random = new Random(9);
        float[] p = new float[1000];
        float[] q = new float[1000];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) random.nextGaussian();
            q[i] = (float) random.nextGaussian();
        }
        RoundResult ab = new RoundResult(p.clone(), q.clone(), 47, 0, 1, 0, null)
                .merge(new RoundResult(q.clone(), p.clone(), 64, 0, 1, 0, null));
        RoundResult ba = new RoundResult(q.clone(), p.clone(), 64, 0, 1, 0, null)
                .merge(new RoundResult(p.clone(), q.clone(), 47, 0, 1, 0, null));
        assertArrayEquals(ab.params(), ba.params());
        assertArrayEquals(ab.updaterState(), ba.updaterState());
    }

    @Test
    void workersWithoutMinibatchesDoNotCount() {
        float[] params = {1, 2, 3};
        RoundResult only = new RoundResult(params, new float[0], 10, 1, 1, 0, new int[0]);
        RoundResult merged = RoundResult.empty().merge(only).merge(RoundResult.empty());
        assertSame(params, merged.params());
        assertEquals(10, merged.examples());
    }
}
