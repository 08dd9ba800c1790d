package io.kindling.worker.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The Java ReLU backward against ND4J's, on special values, whole arrays and a training network. */
class CpuReluTest {
    @Test
    void gradientPassesWhereTheInputIsPositiveOnly() {
        float[] z = {1f, 0f, -0f, -2f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
            -Float.MIN_VALUE, Float.MAX_VALUE, -Float.NaN};
        float[] dy = {3f, 4f, 5f, 6f, 7f, 8f, 9f, -10f, 11f, -12f, 13f};
        float[] expected = {3f, 0f, 0f, 0f, 0f, 8f, 0f, -10f, 0f, -12f, 0f};
        int[] zBits = new int[z.length];
        int[] dyBits = new int[z.length];
        for (int i = 0; i < z.length; i++) {
            zBits[i] = Float.floatToRawIntBits(z[i]);
            dyBits[i] = Float.floatToRawIntBits(dy[i]);
        }
        CpuRelu.gradient(zBits, dyBits, z.length);
        for (int i = 0; i < z.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), zBits[i], "z = " + z[i]);
        }
    }

    @Test
    void backpropIsNd4jsOverSeveralChunks() {
        Nd4j.getRandom().setSeed(5);
        INDArray z = Nd4j.randn(DataType.FLOAT, 3, 40, 24, 24); // 69 120 values: more than one chunk
        INDArray dy = Nd4j.randn(DataType.FLOAT, 3, 40, 24, 24);
        INDArray expected = new ActivationReLU().backprop(z.dup(), dy.dup()).getFirst();
        INDArray zCopy = z.dup();
        INDArray actual = new CpuRelu().backprop(zCopy, dy).getFirst();
        assertSame(zCopy, actual, "written into the input, as DL4J allows");
        assertArrayEquals(expected.data().asFloat(), actual.data().asFloat(), 0f);
    }

    @Test
    void stridedArraysGoThroughNd4j() {
        INDArray z = Nd4j.randn(DataType.FLOAT, 6, 5).transpose(); // 'f' view: no dense pointer
        INDArray dy = Nd4j.randn(DataType.FLOAT, 5, 6);
        INDArray expected = new ActivationReLU().backprop(z.dup(), dy.dup()).getFirst();
        INDArray actual = new CpuRelu().backprop(z, dy).getFirst();
        assertEquals(expected, actual);
    }

    private static MultiLayerConfiguration net() {
        return new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(0.01)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(8).activation(new ActivationReLU(6.0, 0.0, 0.0)).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(7, 7, 2))
                .build();
    }

    @Test
    void installReplacesPlainReluOnlyAndTheNetworkTrainsTheSame() {
        MultiLayerNetwork plain = new MultiLayerNetwork(net());
        plain.init();
        MultiLayerNetwork fast = new MultiLayerNetwork(net());
        fast.init();
        CpuRelu.install(fast);
        assertInstanceOf(CpuRelu.class, activation(fast, 0));
        assertEquals(ActivationReLU.class, activation(fast, 1).getClass(), "a capped ReLU stays ND4J's");
        assertInstanceOf(ActivationSoftmax.class, activation(fast, 2));

        Nd4j.getRandom().setSeed(4);
        INDArray features = Nd4j.randn(DataType.FLOAT, 12, 2, 7, 7);
        INDArray labels = Nd4j.eye(3).getRows(0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2).castTo(DataType.FLOAT);
        for (int step = 0; step < 5; step++) {
            plain.fit(features, labels);
            fast.fit(features, labels);
        }
        assertArrayEquals(plain.params().toFloatVector(), fast.params().toFloatVector(), 0f);
    }

    private static IActivation activation(MultiLayerNetwork net, int layer) {
        return ((BaseLayer) net.getLayer(layer).conf().getLayer()).getActivationFn();
    }
}
