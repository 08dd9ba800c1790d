package io.kindling.driver.model;

import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PyTorch's default initialisation of Linear and Conv2d: weights and biases uniform in
 * ±1/sqrt(fan_in) (kaiming_uniform with a = sqrt(5)). DL4J initialises biases to a constant, so
 * {@link #initBiases} draws them after {@code init()}, from the network's seeded RNG.
 */
public final class PyTorchInit {
    private PyTorchInit() {
    }

    public static UniformDistribution uniform(long fanIn) {
        double bound = 1 / Math.sqrt(fanIn);
        return new UniformDistribution(-bound, bound);
    }

    /** Draws each dense or convolution layer's bias uniformly in ±1/sqrt(fan_in). */
    public static void initBiases(MultiLayerNetwork net) {
        for (int i = 0; i < net.getnLayers(); i++) {
            Layer layer = net.getLayer(i).conf().getLayer();
            INDArray bias = net.getLayer(i).paramTable().get(DefaultParamInitializer.BIAS_KEY);
            if (bias == null || !(layer instanceof FeedForwardLayer ff)) {
                continue;
            }
            long fanIn = ff.getNIn();
            if (layer instanceof ConvolutionLayer conv) {
                fanIn *= (long) conv.getKernelSize()[0] * conv.getKernelSize()[1];
            }
            double bound = 1 / Math.sqrt(fanIn);
            bias.assign(Nd4j.rand(bias.dataType(), bias.shape()).muli(2 * bound).subi(bound));
        }
    }
}
