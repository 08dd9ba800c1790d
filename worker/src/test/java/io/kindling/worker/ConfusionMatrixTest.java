package io.kindling.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {
    /** The numbers scikit-learn's classification_report gives for these labels (zero_division=0). */
    @Test
    void precisionRecallAndF1AsScikitLearnComputesThem() {
        int[] actual = {0, 1, 2, 2, 1, 0, 2};
        int[] predicted = {0, 2, 2, 2, 1, 1, 0};
        ConfusionMatrix half = new ConfusionMatrix(4);
        ConfusionMatrix rest = new ConfusionMatrix(4);
        for (int i = 0; i < actual.length; i++) {
            (i < 3 ? half : rest).add(actual[i], predicted[i]);
        }
        ConfusionMatrix m = half.plus(rest);

        assertEquals(7, m.total());
        assertEquals(4, m.correct());
        assertEquals(1, m.count(2, 0));
        assertEquals(0.5, m.precision(0), 1e-12);
        assertEquals(0.5, m.recall(0), 1e-12);
        assertEquals(0.5, m.f1(1), 1e-12);
        assertEquals(2.0 / 3, m.precision(2), 1e-12);
        assertEquals(2.0 / 3, m.recall(2), 1e-12);
        assertEquals(2.0 / 3, m.f1(2), 1e-12);
        assertEquals(3, m.support(2));
        assertEquals(0, m.precision(3), "never predicted");
        assertEquals(0, m.recall(3), "never present");
        assertEquals(0, m.f1(3));
    }
}
