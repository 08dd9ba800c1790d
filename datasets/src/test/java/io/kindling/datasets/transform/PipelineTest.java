package io.kindling.datasets.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.Example;
import io.kindling.datasets.testing.LocalSpark;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineTest {
    private static final DatasetInfo RGB_2X3 = DatasetInfo.image(3, 2, 3, DatasetInfo.numbered(2));

    @Test
    void textRoundTripsExactly() {
        String text = "resize(4, 6); random_crop(4, 1); hflip(0.5); to_tensor; normalize([0.4914, 0.4822, 0.4465], "
                + "[0.247, 0.2435, 0.2616])";
        Pipeline p = Pipeline.parse(text);
        assertEquals(5, p.steps().size());
        assertEquals(p, Pipeline.parse(p.text()));
        assertEquals("to_tensor; normalize(0.1307, 0.3081)", Pipeline.parse("to_tensor ; normalize(0.1307,0.3081)").text());
    }

    @Test
    void toTensorThenNormalizeIsTorchvisionsArithmetic() {
        Example e = Example.image(0, 1, bytes(0, 51, 102, 153, 204, 255, 0, 0, 0, 255, 255, 255, 10, 20, 30, 40, 50, 60));
        float[] x = Pipeline.parse("to_tensor; normalize([0.5, 0.4, 0.3], [0.5, 0.25, 0.1])").apply(e, RGB_2X3, false, 1, 1);
        assertEquals((0 / 255f - 0.5f) / 0.5f, x[0], 1e-6);
        assertEquals((255 / 255f - 0.4f) / 0.25f, x[9], 1e-6, "channel 1 uses its own mean and std");
        assertEquals((60 / 255f - 0.3f) / 0.1f, x[17], 1e-5);
    }

    @Test
    void resizeIsBilinearWithHalfPixelCentres() {
        DatasetInfo gray = DatasetInfo.image(1, 2, 2, DatasetInfo.numbered(2));
        float[] x = Pipeline.parse("resize(4, 4)").apply(Example.image(0, 0, bytes(0, 100, 100, 200)), gray, false, 0, 0);
        // PIL/torchvision bilinear (align_corners=False): the corners keep their values, inner points blend.
        assertEquals(0, x[0], 1e-4);
        assertEquals(25, x[1], 1e-4);
        assertEquals(200, x[15], 1e-4);
        assertEquals(50, x[5], 1e-4);
    }

    @Test
    void randomStepsRepeatForAnExampleAndEpochAndAreSkippedAtEvaluation() {
        DatasetInfo info = DatasetInfo.image(1, 4, 4, DatasetInfo.numbered(2));
        byte[] pixels = new byte[16];
        for (int i = 0; i < 16; i++) {
            pixels[i] = (byte) (i * 10);
        }
        Pipeline p = Pipeline.parse("random_crop(4, 2); hflip(0.5)");
        Example e = Example.image(7, 0, pixels);
        float[] first = p.apply(e, info, true, 3, 1);
        assertArrayEquals(first, p.apply(e, info, true, 3, 1));
        List<float[]> epochs = new ArrayList<>();
        for (int epoch = 1; epoch <= 8; epoch++) {
            epochs.add(p.apply(e, info, true, 3, epoch));
        }
        assertNotEquals(1, epochs.stream().map(Arrays::toString).distinct().count(), "other epochs, other crops");
        float[] evaluation = p.apply(e, info, false, 3, 1);
        for (int i = 0; i < 16; i++) {
            assertEquals(i * 10, evaluation[i], 0, "no augmentation at evaluation");
        }
    }

    @Test
    void normalizeAutoIsTheTrainingDatasChannelStatistics() {
        DatasetInfo info = DatasetInfo.image(2, 1, 2, DatasetInfo.numbered(2));
        List<Example> examples = List.of(Example.image(0, 0, bytes(0, 255, 51, 51)), Example.image(1, 0, bytes(255, 255, 102, 0)));
        Pipeline resolved = Pipeline.parse("to_tensor; normalize(auto)")
                .withStatisticsOf(LocalSpark.context().parallelize(examples, 2), info);
        Normalize n = (Normalize) resolved.steps().get(1);
        assertEquals(0.75, n.mean()[0], 1e-6);
        assertEquals(Math.sqrt(0.1875), n.std()[0], 1e-6);
        assertEquals(0.2, n.mean()[1], 1e-6); // 0.2, 0.2, 0.4, 0
        assertEquals(Math.sqrt(0.02), n.std()[1], 1e-6);
    }

    @Test
    void mistakesNameTheStep() {
        assertEquals("--transforms: rotate(90): unknown transform, expected resize, random_crop, hflip, to_tensor or"
                + " normalize", assertThrows(IllegalArgumentException.class, () -> Pipeline.parse("to_tensor; rotate(90)"))
                .getMessage());
        assertEquals("--transforms: resize(4, 4) needs images, but the data is rows of 3 features",
                assertThrows(IllegalArgumentException.class, () -> Pipeline.parse("resize(4,4)")
                        .outputShape(DatasetInfo.numeric(3, List.of()))).getMessage());
        assertEquals("--transforms: normalize([0.5, 0.5], [1.0, 1.0]): 2 values for 3 channels",
                assertThrows(IllegalArgumentException.class, () -> Pipeline.parse("normalize([0.5,0.5],[1,1])")
                        .outputShape(RGB_2X3)).getMessage());
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
