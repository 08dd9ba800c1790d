package io.kindling.driver.bench;

import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * Floating-point operations a network needs per training example, counted the usual way: the
 * multiply-adds of its convolutions and dense layers (2 flops each), times 3 for the forward pass, the
 * gradient with respect to the inputs and the gradient with respect to the weights. Pooling,
 * activations and the optimiser are not counted: they are not matrix products.
 */
public final class TrainingFlops {
    private TrainingFlops() {
    }

    public static double perExample(MultiLayerConfiguration conf, InputType input) {
        List<InputType> outputs = conf.getLayerActivationTypes(input);
        double forward = 0;
        for (int i = 0; i < conf.getConfs().size(); i++) {
            Layer layer = conf.getConf(i).getLayer();
            if (layer instanceof ConvolutionLayer conv && outputs.get(i) instanceof InputType.InputTypeConvolutional out) {
                int[] k = conv.getKernelSize();
                forward += 2.0 * k[0] * k[1] * conv.getNIn() * conv.getNOut() * out.getHeight() * out.getWidth();
            } else if (layer instanceof DenseLayer || layer instanceof BaseOutputLayer) {
                FeedForwardLayer dense = (FeedForwardLayer) layer;
                forward += 2.0 * dense.getNIn() * dense.getNOut();
            }
        }
        return 3 * forward;
    }
}
