package io.kindling.worker.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.GaussianDropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Convolutions that keep their ReLU output for the backward pass: the same training, and only where it is safe. */
class CpuConvolutionTest {
    // Pooling first, so that both convolutions are CpuConvolution rather than FirstConvolution.
    private static MultiLayerConfiguration cnn(Activation activation, IDropout afterSecond) {
        return new NeuralNetConfiguration.Builder().seed(9).updater(new Adam(0.01)).cacheMode(CacheMode.DEVICE).list()
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(activation).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(5).activation(activation).build())
                .layer(new DenseLayer.Builder().nOut(6).activation(Activation.RELU).dropOut(afterSecond).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(14, 14, 2))
                .build();
    }

    private static MultiLayerNetwork net(MultiLayerConfiguration conf, boolean kept) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
        net.init();
        if (kept) {
            CpuConvolution.install(net);
        }
        CpuRelu.install(net);
        return net;
    }

    @Test
    void aNetworkTrainsExactlyAsWithDl4jsConvolutions() {
        MultiLayerConfiguration conf = cnn(Activation.RELU, new org.deeplearning4j.nn.conf.dropout.Dropout(0.6));
        MultiLayerNetwork plain = net(conf, false);
        MultiLayerNetwork kept = net(conf, true);
        assertInstanceOf(CpuConvolution.class, kept.getLayer(1));
        assertInstanceOf(CpuConvolution.class, kept.getLayer(2));

        Nd4j.getRandom().setSeed(4);
        INDArray features = Nd4j.randn(DataType.FLOAT, 8, 2, 14, 14);
        INDArray labels = Nd4j.eye(3).getRows(0, 1, 2, 0, 1, 2, 0, 1).castTo(DataType.FLOAT);
        for (int step = 0; step < 5; step++) {
            Nd4j.getRandom().setSeed(50 + step); // the same dropout masks for both
            plain.fit(features, labels);
            Nd4j.getRandom().setSeed(50 + step);
            kept.fit(features, labels);
        }
        assertArrayEquals(plain.params().toFloatVector(), kept.params().toFloatVector(), 0f);
    }

    private static INDArray[] activateWithCache(CpuConvolution layer, INDArray x) {
        WorkspaceConfiguration config = WorkspaceConfiguration.builder().build();
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.builder().defaultNoWorkspace()
                .with(ArrayType.FF_CACHE, "CpuConvolutionTest", config).build();
        try (MemoryWorkspace ws = mgr.notifyScopeEntered(ArrayType.FF_CACHE)) {
            INDArray output = layer.activate(x, true, mgr);
            return new INDArray[] {output, layer.keptForBackward()};
        }
    }

    @Test
    void theOutputIsKeptOnlyWithReluAndNoOtherDropoutAfter() {
        INDArray x = Nd4j.randn(DataType.FLOAT, 2, 4, 5, 5);
        MultiLayerNetwork relu = net(cnn(Activation.RELU, null), true);
        INDArray[] outputAndKept = activateWithCache((CpuConvolution) relu.getLayer(2), x);
        assertSame(outputAndKept[0], outputAndKept[1]);

        MultiLayerNetwork tanh = net(cnn(Activation.TANH, null), true);
        outputAndKept = activateWithCache((CpuConvolution) tanh.getLayer(2), x);
        assertNotSame(outputAndKept[0], outputAndKept[1], "DL4J's copy of z");

        MultiLayerNetwork gaussian = net(cnn(Activation.RELU, new GaussianDropout(0.5)), true);
        outputAndKept = activateWithCache((CpuConvolution) gaussian.getLayer(2), x);
        assertNotSame(outputAndKept[0], outputAndKept[1], "noise after the layer can change signs");
    }

    @Test
    void beforeTheOutputLayerDl4jsCopyIsKeptSoTheScoreIsRight() {
        // DL4J computes the score after the backward pass, from the output layer's input: this
        // convolution's output, which ReLU's backward would overwrite.
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(9).updater(new Adam(0.01))
                .cacheMode(CacheMode.DEVICE).list()
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new DropoutLayer.Builder(0.5).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(14, 14, 2))
                .build();
        MultiLayerNetwork plain = net(conf, false);
        MultiLayerNetwork kept = net(conf, true);
        assertFalse(CpuConvolution.outputStaysIntact(kept, 1));
        assertTrue(CpuConvolution.outputStaysIntact(net(cnn(Activation.RELU, null), true), 1));

        Nd4j.getRandom().setSeed(4);
        INDArray features = Nd4j.randn(DataType.FLOAT, 8, 2, 14, 14);
        INDArray labels = Nd4j.eye(3).getRows(0, 1, 2, 0, 1, 2, 0, 1).castTo(DataType.FLOAT);
        for (MultiLayerNetwork net : new MultiLayerNetwork[] {plain, kept}) {
            Nd4j.getRandom().setSeed(7);
            net.setInput(features);
            net.setLabels(labels);
            net.computeGradientAndScore();
        }
        assertEquals(plain.score(), kept.score(), 0.0);
        assertArrayEquals(plain.gradient().gradient().toFloatVector(), kept.gradient().gradient().toFloatVector(), 0f);
    }
}
