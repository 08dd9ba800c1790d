package io.kindling.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kindling.datasets.Example;
import io.kindling.datasets.Normalization;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

class MinibatchAssemblerTest {
    @Test
    void featuresAreNormalisedPixelsAndLabelsOneHot() {
        Example[] examples = {
            new Example(0, 3, new byte[] {0, (byte) 255, (byte) 128}),
            new Example(1, 0, new byte[] {1, 2, 3}),
            new Example(2, 2, new byte[] {(byte) 255, 0, 0}),
        };
        DataSet batch = new MinibatchAssembler(new Normalization(0.5, 0.25), 4).assemble(examples, 1, 3);
        assertArrayEquals(new long[] {2, 3}, batch.getFeatures().shape());
        assertEquals((1 / 255.0 - 0.5) / 0.25, batch.getFeatures().getDouble(0, 0), 1e-6);
        assertEquals((255 / 255.0 - 0.5) / 0.25, batch.getFeatures().getDouble(1, 0), 1e-6);
        assertArrayEquals(new float[][] {{1, 0, 0, 0}, {0, 0, 1, 0}}, batch.getLabels().toFloatMatrix());
    }
}
