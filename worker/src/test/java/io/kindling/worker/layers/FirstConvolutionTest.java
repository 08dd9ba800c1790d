package io.kindling.worker.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The first convolution's weight and bias gradients equal DL4J's, for the geometries the zoo and users have. */
class FirstConvolutionTest {
    private static MultiLayerConfiguration net(int channels, int size, int kernel, int stride, int pad, int dilation,
            ConvolutionMode mode, boolean bias, Activation activation) {
        return new NeuralNetConfiguration.Builder().seed(5).updater(new Sgd(0.1)).convolutionMode(mode).list()
                .layer(new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).padding(pad, pad)
                        .dilation(dilation, dilation).nOut(4).hasBias(bias).activation(activation).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(size, size, channels))
                .build();
    }

    @ParameterizedTest(name = "{0} channels, {1}x{1} input, kernel {2}, stride {3}, padding {4}, dilation {5}, {6}, {8}")
    @CsvSource({
        "1, 28, 3, 1, 0, 1, Truncate, true, RELU", // the MNIST CNN's
        "3, 16, 5, 1, 2, 1, Truncate, true, RELU", // the CIFAR-10 CNN's
        "1, 17, 5, 1, 0, 1, Same, true, RELU", // LeNet-5's, on an odd size
        "2, 15, 3, 2, 1, 1, Truncate, false, TANH",
        "1, 13, 3, 2, 0, 2, Same, true, RELU",
    })
    void gradientsEqualDl4js(int channels, int size, int kernel, int stride, int pad, int dilation,
            ConvolutionMode mode, boolean bias, Activation activation) {
        MultiLayerConfiguration conf = net(channels, size, kernel, stride, pad, dilation, mode, bias, activation);
        MultiLayerNetwork plain = new MultiLayerNetwork(conf.clone());
        plain.init();
        MultiLayerNetwork first = new MultiLayerNetwork(conf.clone());
        first.init();
        CpuConvolution.install(first);
        CpuRelu.install(first); // ReLU's backward then goes straight into the channel-major layout
        assertInstanceOf(FirstConvolution.class, first.getLayer(0));

        Nd4j.getRandom().setSeed(3);
        INDArray features = Nd4j.rand(DataType.FLOAT, 6, (long) channels * size * size).subi(0.3);
        INDArray labels = Nd4j.eye(3).getRows(0, 1, 2, 2, 1, 0).castTo(DataType.FLOAT);
        for (MultiLayerNetwork net : new MultiLayerNetwork[] {plain, first}) {
            net.setInput(features);
            net.setLabels(labels);
            net.computeGradientAndScore();
        }
        INDArray expected = plain.gradient().gradient();
        INDArray actual = first.gradient().gradient();
        assertNotSame(expected, actual);
        double scale = expected.norm2Number().doubleValue();
        assertEquals(0, expected.sub(actual).norm2Number().doubleValue() / scale, 1e-5,
                "relative difference of all gradients");
        long firstLayerParams = first.getLayer(0).numParams();
        assertEquals(expected.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, firstLayerParams)).norm2Number()
                .doubleValue(), actual.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, firstLayerParams))
                .norm2Number().doubleValue(), 1e-5 * scale);
    }
}
