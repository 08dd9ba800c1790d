package io.kindling.worker.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The rules PyTorch's 2 x 2 pooling follows, on planes small enough to check by hand. */
class PoolingKernelsTest {
    // One 3 x 5 plane: the windows cover rows 0-1 and columns 0-3; row 2 and column 4 are left out.
    private static final float[] PLANE = {
        1, 5, 0, 0, 9,
        5, 2, 0, 0, 9,
        9, 9, 9, 9, 9,
    };

    @Test
    void maxTakesTheLargestAndItsGradientGoesToTheFirstOfEqualValues() {
        float[] y = new float[2];
        PoolingKernels.maxForward(PLANE, y, 1, 3, 5);
        assertArrayEquals(new float[] {5, 0}, y);

        float[] x = PLANE.clone();
        PoolingKernels.maxBackwardInPlace(x, new float[] {0.5f, 0.25f}, 1, 3, 5);
        assertArrayEquals(new float[] {
            0, 0.5f, 0.25f, 0, 0,
            0, 0, 0, 0, 0,
            0, 0, 0, 0, 0,
        }, x);
    }

    @Test
    void theRecordedArgmaxGivesTheSameGradient() {
        float[] y = new float[2];
        byte[] argmax = {9, 9, 9, 9};
        PoolingKernels.maxForward(PLANE, y, argmax, 1, 1, 3, 5);
        assertArrayEquals(new float[] {5, 0}, y);
        assertArrayEquals(new byte[] {9, 1, 0, 9}, argmax);

        float[] dx = new float[15];
        Arrays.fill(dx, 7f);
        PoolingKernels.maxBackward(argmax, 1, new float[] {0.5f, 0.25f}, dx, 1, 3, 5);
        assertArrayEquals(new float[] {
            0, 0.5f, 0.25f, 0, 0,
            0, 0, 0, 0, 0,
            0, 0, 0, 0, 0,
        }, dx);
    }

    @Test
    void aWindowWithNanGivesNan() {
        float[] y = new float[1];
        PoolingKernels.maxForward(new float[] {1, Float.NaN, 3, 2}, y, 1, 2, 2);
        assertTrue(Float.isNaN(y[0]));
        byte[] argmax = new byte[1];
        PoolingKernels.maxForward(new float[] {1, Float.NaN, 3, 2}, y, argmax, 0, 1, 2, 2);
        assertTrue(Float.isNaN(y[0]));
        assertArrayEquals(new byte[] {1}, argmax, "the gradient goes to the NaN");
        float[] x = {1, Float.NaN, 3, 2};
        PoolingKernels.maxBackwardInPlace(x, new float[] {0.5f}, 1, 2, 2);
        assertArrayEquals(new float[] {0, 0.5f, 0, 0}, x, "the same without the recorded argmax");
    }

    @Test
    void averageDividesByFourAndSpreadsTheGradientEvenly() {
        float[] y = new float[2];
        PoolingKernels.avgForward(PLANE, y, 1, 3, 5);
        assertArrayEquals(new float[] {13 / 4f, 0}, y);

        float[] dx = new float[15];
        Arrays.fill(dx, 7f);
        PoolingKernels.avgBackward(new float[] {1, 2}, dx, 1, 3, 5);
        assertArrayEquals(new float[] {
            0.25f, 0.25f, 0.5f, 0.5f, 0,
            0.25f, 0.25f, 0.5f, 0.5f, 0,
            0, 0, 0, 0, 0,
        }, dx);
    }

    @Test
    void planesFollowEachOther() {
        float[] two = new float[30];
        for (int i = 0; i < 15; i++) {
            two[i] = PLANE[i];
            two[15 + i] = -PLANE[i];
        }
        float[] y = new float[4];
        PoolingKernels.maxForward(two, y, 2, 3, 5);
        assertArrayEquals(new float[] {5, 0, -1, -0f}, y);
    }

    @Test
    void aPlaneMayBeAWiderOnesLeftPart() {
        // PLANE's 3 x 5 values as the left part of rows 7 wide, from index 2 on; the extra columns hold -1
        float[] wide = new float[2 + 3 * 7];
        Arrays.fill(wide, -1f);
        for (int r = 0; r < 3; r++) {
            System.arraycopy(PLANE, r * 5, wide, 2 + r * 7, 5);
        }
        float[] y = {7, 7, 7};
        byte[] argmax = new byte[3];
        PoolingKernels.maxForward(wide, 2, 7, y, 1, argmax, 1, 3, 5);
        assertArrayEquals(new float[] {7, 5, 0}, y);
        assertArrayEquals(new byte[] {0, 1, 0}, argmax);

        float[] dx = wide.clone();
        PoolingKernels.maxBackward(argmax, 1, new float[] {9, 0.5f, 0.25f}, 1, dx, 2, 7, 3, 5);
        assertArrayEquals(new float[] {
            -1, -1,
            0, 0.5f, 0.25f, 0, 0, -1, -1,
            0, 0, 0, 0, 0, -1, -1,
            0, 0, 0, 0, 0, -1, -1,
        }, dx, "the left-out row and column get zero, the values past them are left as they were");
    }
}
