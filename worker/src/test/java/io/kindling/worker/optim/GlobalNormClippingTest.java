package io.kindling.worker.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.worker.TinyNets;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** clip_grad_norm_ semantics: the norm of all gradients together, scaled by max_norm / (norm + 1e-6). */
class GlobalNormClippingTest {
    private final MultiLayerConfiguration conf = TinyNets.mlp(new Sgd(0.5, 0, false));
    private final DataSet batch = TinyNets.assembler().assemble(TinyNets.examples(32, 3), 0, 32, false, 0);

    @Test
    void aStepWithClippingMovesTheParametersByTheClippedMeanGradient() {
        MultiLayerNetwork probe = net();
        probe.setInput(batch.getFeatures());
        probe.setLabels(batch.getLabels());
        probe.computeGradientAndScore();
        INDArray meanGradient = probe.gradient().gradient().dup().divi(32);
        double norm = meanGradient.norm2Number().doubleValue();
        double maxNorm = norm / 4;

        MultiLayerNetwork clipped = net();
        INDArray before = clipped.params().dup();
        GlobalNormClipping.install(clipped, maxNorm);
        clipped.fit(batch);

        INDArray expected = before.sub(meanGradient.mul(0.5 * maxNorm / (norm + 1e-6)));
        assertTrue(norm > maxNorm);
        assertArrayEquals(expected.toFloatVector(), clipped.params().toFloatVector(), 1e-6f);
        assertEquals(maxNorm, clipped.params().sub(before).norm2Number().doubleValue() / 0.5, 1e-4);
    }

    @Test
    void gradientsBelowTheLimitAreUntouched() {
        MultiLayerNetwork plain = net();
        plain.fit(batch);
        MultiLayerNetwork clipped = net();
        GlobalNormClipping.install(clipped, 1e6);
        clipped.fit(batch);
        assertArrayEquals(plain.params().toFloatVector(), clipped.params().toFloatVector());
    }

    private MultiLayerNetwork net() {
        MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
        net.init();
        return net;
    }
}
