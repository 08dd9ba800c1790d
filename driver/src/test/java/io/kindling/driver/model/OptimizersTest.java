package io.kindling.driver.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.kindling.driver.job.OptimizerSpec;
import io.kindling.worker.TinyNets;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Weight decay with PyTorch's meaning, on every parameter (biases too), checked on one real step. */
class OptimizersTest {
    private static final double LR = 0.1;
    private static final double WD = 0.05;
    private final DataSet batch = TinyNets.assembler().assemble(TinyNets.examples(16, 7), 0, 16, false, 0);

    @Test
    void weightDecayIsAddedToTheGradientForSgd() {
        MultiLayerNetwork net = net(new OptimizerSpec("sgd", LR, 0, false, WD, 0));
        INDArray p = net.params().dup();
        INDArray g = meanGradient(net);
        net.fit(batch);
        // torch.optim.SGD: d_p = grad + weight_decay * p; p -= lr * d_p
        assertArrayEquals(p.sub(g.add(p.mul(WD)).mul(LR)).toFloatVector(), net.params().toFloatVector(), 1e-6f);
    }

    @Test
    void adamwDecaysTheParametersApartFromTheAdamStep() {
        MultiLayerNetwork net = net(new OptimizerSpec("adamw", LR, 0, false, WD, 0));
        INDArray p = net.params().dup();
        INDArray g = meanGradient(net);
        net.fit(batch);
        // torch.optim.AdamW, first step: p -= lr * wd * p; m̂ = g, v̂ = g², p -= lr * m̂ / (sqrt(v̂) + eps)
        INDArray adamStep = g.div(Transforms.abs(g, true).addi(1e-8));
        assertArrayEquals(p.sub(p.mul(LR * WD)).sub(adamStep.mul(LR)).toFloatVector(), net.params().toFloatVector(),
                1e-5f);
    }

    private MultiLayerNetwork net(OptimizerSpec optimizer) {
        MultiLayerConfiguration conf = ModelBuilder.build(ModelZoo.spec("mlp", List.of(8)), Shape.image(1, 28, 28),
                10, optimizer, 3).configuration();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** The loss gradient, averaged over the minibatch as PyTorch's mean loss gives it. */
    private INDArray meanGradient(MultiLayerNetwork net) {
        MultiLayerNetwork probe = net.clone();
        probe.setInput(batch.getFeatures());
        probe.setLabels(batch.getLabels());
        probe.computeGradientAndScore();
        return probe.gradient().gradient().dup().divi(batch.numExamples());
    }
}
