package io.kindling.worker.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PieceLayoutTest {
    @Test
    void piecesCoverTheVectorOnceAndNeverHoldParametersAndStateTogether() {
        long[][] cases = { // length, parameters, slices, piece
            {610_590, 203_530, 1, 262_144}, // the MLP under Adadelta, averaged whole
            {3_599_646, 1_199_882, 2, 262_144}, // the MNIST CNN in two slices
            {3_599_646, 1_199_882, 3, 262_144},
            {1_000, 1_000, 2, 64}, // no optimiser state
            {10, 2, 3, 4}, // a slice without parameters
            {7, 2, 4, 4}, // slices without values
        };
        for (long[] c : cases) {
            long length = c[0];
            long parameters = c[1];
            int piece = (int) c[3];
            PieceLayout layout = new PieceLayout(length, parameters, (int) c[2], piece);
            String name = layout.toString();
            boolean[] covered = new boolean[(int) length];
            for (int j = 0; j < layout.slices(); j++) {
                assertTrue(layout.pieces(j) >= 1, name);
                assertTrue(layout.firstOfState(j) >= 1, "the first piece carries the round's numbers: " + name);
                for (int p = 0; p < layout.pieces(j); p++) {
                    long start = layout.start(j, p);
                    int n = layout.length(j, p);
                    assertTrue(n >= 0 && n <= piece, name);
                    assertTrue(n == 0 || !layout.ofState(j, p) == start + n <= parameters, "piece " + p + " of " + name);
                    assertTrue(n == 0 || layout.ofState(j, p) == start >= parameters, "piece " + p + " of " + name);
                    for (long i = start; i < start + n; i++) {
                        assertTrue(!covered[(int) i], "value " + i + " twice in " + name);
                        covered[(int) i] = true;
                    }
                }
            }
            for (int i = 0; i < length; i++) {
                assertTrue(covered[i], "value " + i + " in no piece of " + name);
            }
        }
    }

    @Test
    void aSlicesParametersComeFirst() {
        PieceLayout layout = new PieceLayout(610_590, 203_530, 1, 262_144);
        assertEquals(3, layout.pieces(0));
        assertEquals(1, layout.firstOfState(0));
        assertEquals(203_530, layout.length(0, 0));
        assertEquals(203_530, layout.start(0, 1));
        assertEquals(262_144, layout.length(0, 1));
        assertEquals(144_916, layout.length(0, 2));
    }
}
