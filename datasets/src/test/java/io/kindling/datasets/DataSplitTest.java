package io.kindling.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kindling.datasets.testing.LocalSpark;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;

class DataSplitTest {
    @Test
    void aSeededSplitIsDisjointAndTrainingIsReindexedDensely() {
        List<Example> all = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            all.add(Example.numeric(i, i, new float[] {i}));
        }
        JavaRDD<Example> rdd = LocalSpark.context().parallelize(all, 3);
        DataSplit split = DataSplit.of(rdd, 1000, 0.2, 11);
        assertEquals(200, split.validationSize());
        assertEquals(800, split.trainSize());
        List<Example> validation = split.validation().collect();
        List<Example> train = split.train().collect();
        assertEquals(200, validation.size());
        BitSet original = new BitSet();
        BitSet dense = new BitSet();
        for (Example e : train) {
            dense.set(e.index());
            original.set((int) e.values()[0]);
        }
        for (Example e : validation) {
            original.set((int) e.values()[0]);
        }
        assertEquals(800, dense.cardinality());
        assertEquals(799, dense.length() - 1, "training indices are 0..799");
        assertEquals(1000, original.cardinality(), "every example in exactly one set");
        assertEquals(values(validation), values(DataSplit.of(rdd, 1000, 0.2, 11).validation().collect()),
                "the seed fixes it");
        assertEquals(false, values(validation).equals(values(DataSplit.of(rdd, 1000, 0.2, 12).validation().collect())));
    }

    private static List<Float> values(List<Example> examples) {
        return examples.stream().map(e -> e.values()[0]).sorted().toList();
    }
}
