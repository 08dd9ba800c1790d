package io.kindling.driver.model;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The pytorch/examples MNIST net: conv 3x3 32, conv 3x3 64, max-pool 2, dropout .25, fc 128,
 * dropout .5, fc 10, log-softmax + NLL (DL4J: softmax output with the NLL loss). DL4J's dropout
 * takes the probability to keep, so PyTorch's p becomes 1 - p. Weights start as PyTorch's
 * default, U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
 */
public final class MnistCnn {
    public static final String NAME = "mnist-cnn";

    private MnistCnn() {
    }

    public static MultiLayerConfiguration configuration(IUpdater updater, long seed) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(updater)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).stride(1, 1).nIn(1).nOut(32)
                        .activation(Activation.RELU).weightInit(PyTorchInit.uniform(1 * 3 * 3)).build())
                .layer(new ConvolutionLayer.Builder(3, 3).stride(1, 1).nOut(64)
                        .activation(Activation.RELU).weightInit(PyTorchInit.uniform(32 * 3 * 3)).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2).stride(2, 2).build())
                .layer(new DropoutLayer.Builder(1 - 0.25).build())
                .layer(new DenseLayer.Builder().nOut(128)
                        .activation(Activation.RELU).weightInit(PyTorchInit.uniform(9216)).build())
                .layer(new DropoutLayer.Builder(1 - 0.5).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD).nOut(10)
                        .activation(Activation.SOFTMAX).weightInit(PyTorchInit.uniform(128)).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1))
                .build();
    }
}
