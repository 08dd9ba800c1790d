package io.kindling.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.Example;
import io.kindling.datasets.transform.Pipeline;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

class MinibatchAssemblerTest {
    @Test
    void imageFeaturesGoThroughTheTransformsAndLabelsAreOneHot() {
        List<Example> examples = List.of(
                Example.image(0, 3, new byte[] {0, (byte) 255, (byte) 128}),
                Example.image(1, 0, new byte[] {1, 2, 3}),
                Example.image(2, 2, new byte[] {(byte) 255, 0, 0}));
        DatasetInfo info = DatasetInfo.image(3, 1, 1, DatasetInfo.numbered(4));
        Pipeline transforms = Pipeline.parse("to_tensor; normalize(0.5, 0.25)");
        DataSet batch = new MinibatchAssembler(transforms, info, 1).assemble(examples, 1, 3, false, 0);
        assertArrayEquals(new long[] {2, 3}, batch.getFeatures().shape());
        assertEquals((1 / 255.0 - 0.5) / 0.25, batch.getFeatures().getDouble(0, 0), 1e-6);
        assertEquals((255 / 255.0 - 0.5) / 0.25, batch.getFeatures().getDouble(1, 0), 1e-6);
        assertArrayEquals(new float[][] {{1, 0, 0, 0}, {0, 0, 1, 0}}, batch.getLabels().toFloatMatrix());
    }

    @Test
    void regressionLabelsAreTheTargets() {
        List<Example> rows = List.of(Example.numeric(0, 2.5f, new float[] {1, 2}), Example.numeric(1, -1f, new float[] {3, 4}));
        DataSet batch = new MinibatchAssembler(Pipeline.NONE, DatasetInfo.numeric(2, List.of()), 1)
                .assemble(rows, 0, 2, true, 1);
        assertArrayEquals(new float[][] {{1, 2}, {3, 4}}, batch.getFeatures().toFloatMatrix());
        assertArrayEquals(new float[][] {{2.5f}, {-1f}}, batch.getLabels().toFloatMatrix());
    }
}
