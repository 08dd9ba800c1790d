package io.kindling.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kindling.worker.ConfusionMatrix;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationReportTest {
    @Test
    void readsLikeScikitLearnsReportThenTheMatrix() {
        int[] actual = {0, 1, 2, 2, 1, 0, 2};
        int[] predicted = {0, 2, 2, 2, 1, 1, 0};
        ConfusionMatrix m = new ConfusionMatrix(3);
        for (int i = 0; i < actual.length; i++) {
            m.add(actual[i], predicted[i]);
        }
        String expected = String.join("\n",
                "              precision     recall   f1-score    support",
                "",
                "         ant     0.5000     0.5000     0.5000          2",
                "         bee     0.5000     0.5000     0.5000          2",
                "         cat     0.6667     0.6667     0.6667          3",
                "",
                "    accuracy                           0.5714          7",
                "   macro avg     0.5556     0.5556     0.5556          7",
                "weighted avg     0.5714     0.5714     0.5714          7",
                "",
                "Confusion matrix (rows: true class, columns: predicted class):",
                "      0 1 2",
                "0 ant 1 1 0",
                "1 bee 0 1 1",
                "2 cat 1 0 2",
                "");
        assertEquals(expected, ClassificationReport.format(m, List.of("ant", "bee", "cat")));
    }

    @Test
    void numberedClassesAreNotRepeatedInTheMatrix() {
        ConfusionMatrix m = new ConfusionMatrix(2);
        m.add(0, 0);
        m.add(1, 0);
        m.add(1, 1);
        assertEquals("""
                Confusion matrix (rows: true class, columns: predicted class):
                  0 1
                0 1 0
                1 1 1
                """, ClassificationReport.confusion(m, List.of("0", "1")));
    }
}
