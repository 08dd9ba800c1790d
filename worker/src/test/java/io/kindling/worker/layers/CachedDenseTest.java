package io.kindling.worker.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The dense layer that keeps its forward output: same training as DL4J's, and no stale reuse. */
class CachedDenseTest {
    private static MultiLayerConfiguration mlp() {
        return new NeuralNetConfiguration.Builder().seed(11).updater(new Adam(0.01)).list()
                .layer(new DenseLayer.Builder().nOut(12).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nOut(8).activation(Activation.RELU).dropOut(0.7).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(5))
                .build();
    }

    private static MultiLayerNetwork net(boolean cached) {
        MultiLayerNetwork net = new MultiLayerNetwork(mlp());
        net.init();
        if (cached) {
            CachedDense.install(net);
        }
        return net;
    }

    @Test
    void aNetworkTrainsExactlyAsWithDl4jsDenseLayers() {
        MultiLayerNetwork plain = net(false);
        MultiLayerNetwork cached = net(true);
        assertInstanceOf(CachedDense.class, cached.getLayer(0));
        assertInstanceOf(CachedDense.class, cached.getLayer(1));
        assertSame(cached.params(), cached.params(), "one flat parameter array");

        Nd4j.getRandom().setSeed(2);
        INDArray features = Nd4j.randn(DataType.FLOAT, 16, 5);
        INDArray labels = Nd4j.eye(3).getRows(0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0).castTo(DataType.FLOAT);
        for (int step = 0; step < 6; step++) {
            Nd4j.getRandom().setSeed(100 + step); // the same dropout masks for both
            plain.fit(features, labels);
            Nd4j.getRandom().setSeed(100 + step);
            cached.fit(features, labels);
        }
        assertArrayEquals(plain.params().toFloatVector(), cached.params().toFloatVector(), 0f);
        assertArrayEquals(plain.getUpdater().getStateViewArray().toFloatVector(),
                cached.getUpdater().getStateViewArray().toFloatVector(), 0f);
    }

    @Test
    void aBackwardPassOnAnotherInputComputesTheProductAgain() {
        MultiLayerNetwork plain = net(false);
        MultiLayerNetwork cached = net(true);
        plain.initGradientsView();
        cached.initGradientsView();
        CachedDense layer = (CachedDense) cached.getLayer(0);
        org.deeplearning4j.nn.api.Layer reference = plain.getLayer(0);
        LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();
        INDArray x1 = Nd4j.randn(DataType.FLOAT, 4, 5);
        INDArray x2 = Nd4j.randn(DataType.FLOAT, 4, 5);
        INDArray eps = Nd4j.randn(DataType.FLOAT, 4, 12);

        layer.activate(x1, true, none);
        layer.setInput(x2, none); // a new input after the forward: the kept output is not x2's
        reference.setInput(x2, none);
        Gradient expected = reference.backpropGradient(eps.dup(), none).getFirst();
        Gradient actual = layer.backpropGradient(eps.dup(), none).getFirst();
        assertEquals(expected.getGradientFor("W"), actual.getGradientFor("W"));

        layer.activate(x1, true, none);
        reference.activate(x1, true, none);
        assertEquals(reference.backpropGradient(eps.dup(), none).getFirst().getGradientFor("W"),
                layer.backpropGradient(eps.dup(), none).getFirst().getGradientFor("W"));
    }
}
