package io.kindling.driver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.driver.job.JobSpec;
import io.kindling.driver.model.ModelFactory;
import io.kindling.driver.model.Shape;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.Test;

class TrainingFlopsTest {
    private static MultiLayerConfiguration zoo(String model, Shape shape) {
        return ModelFactory.build(JobSpec.builder().model(model).build(), shape, 10, false, new Configuration())
                .configuration();
    }

    @Test
    void mnistCnnCostsSeventyTwoMegaflopsPerTrainingExample() {
        // conv 1->32 3x3 at 26x26, conv 32->64 3x3 at 24x24, dense 9216->128, dense 128->10; x2 per
        // multiply-add, x3 for forward, input gradient and weight gradient.
        double forward = 2.0 * (9 * 32 * 26 * 26 + 9 * 32 * 64 * 24 * 24 + 9216 * 128 + 128 * 10);
        assertEquals(3 * forward, TrainingFlops.perExample(zoo("mnist-cnn", Shape.image(1, 28, 28)),
                InputType.convolutionalFlat(28, 28, 1)));
        assertEquals(71_954_688, 3 * forward);
    }

    @Test
    void layersWithoutMatrixProductsCostNothing() {
        // LeNet-5's pooling and activations add nothing; its convolutions and dense layers do.
        double lenet = TrainingFlops.perExample(zoo("lenet5", Shape.image(1, 28, 28)), InputType.convolutionalFlat(28, 28, 1));
        double mlp = TrainingFlops.perExample(zoo("mlp", Shape.image(1, 28, 28)), InputType.convolutionalFlat(28, 28, 1));
        assertEquals(3 * 2.0 * (784 * 256 + 256 * 128 + 128 * 10), mlp);
        assertTrue(lenet > 1e6 && lenet < 3e6, "LeNet-5 " + lenet);
    }
}
