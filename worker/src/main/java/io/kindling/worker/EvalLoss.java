package io.kindling.worker;

import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * The test loss of one example, computed from the network's output the way its output layer's loss
 * is defined, without the regularisation terms DL4J adds to {@code score()}: for cross-entropy and
 * NLL (DL4J's MCXENT and its NLL subclass, on softmax output) PyTorch's {@code nll_loss} of the
 * log-probabilities; for MSE the mean squared error over the outputs, as {@code MSELoss}.
 */
enum EvalLoss {
    NLL, MSE;

    /** DL4J clips probabilities the same way in its loss, so test and train losses agree. */
    private static final double MIN_PROBABILITY = 1e-10;

    static EvalLoss of(MultiLayerNetwork net) {
        ILossFunction loss = ((BaseOutputLayer) net.getOutputLayer().conf().getLayer()).getLossFn();
        if (loss instanceof LossMCXENT) {
            return NLL;
        }
        if (loss instanceof LossMSE) {
            return MSE;
        }
        throw new IllegalArgumentException("evaluation supports the nll, cross_entropy and mse losses, not "
                + loss.name());
    }

    /** The loss of a regression's single output against its target. */
    double ofTarget(float[] output, float target) {
        double d = output[0] - target;
        return d * d;
    }

    double of(float[] output, int label) {
        return switch (this) {
            case NLL -> -Math.log(Math.max(output[label], MIN_PROBABILITY));
            case MSE -> {
                double sum = 0;
                for (int c = 0; c < output.length; c++) {
                    double d = output[c] - (c == label ? 1 : 0);
                    sum += d * d;
                }
                yield sum / output.length;
            }
        };
    }
}
