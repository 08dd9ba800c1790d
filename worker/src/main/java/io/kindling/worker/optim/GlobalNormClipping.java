package io.kindling.worker.optim;

import java.util.List;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * PyTorch's {@code clip_grad_norm_(model.parameters(), max_norm)}: when the L2 norm of all gradients
 * together exceeds max_norm, every gradient is scaled by {@code max_norm / (norm + 1e-6)}. DL4J only
 * clips per layer or per parameter type, so this updater does it where DL4J has turned gradients
 * into minibatch means and before any optimiser step; the arrays DL4J does not average (batch-norm
 * running statistics, which PyTorch keeps outside the gradients) are left out, as in PyTorch.
 */
public final class GlobalNormClipping extends MultiLayerUpdater {
    private final double maxNorm;

    private GlobalNormClipping(MultiLayerNetwork net, INDArray updaterState, double maxNorm) {
        super(net, updaterState);
        this.maxNorm = maxNorm;
    }

    /** Makes {@code net} clip its gradients' global norm to {@code maxNorm}, keeping its updater state. */
    public static void install(MultiLayerNetwork net, double maxNorm) {
        if (net.getUpdater() instanceof GlobalNormClipping) {
            return;
        }
        net.setUpdater(new GlobalNormClipping(net, net.getUpdater().getStateViewArray(), maxNorm));
    }

    /** The largest global gradient norm let through. */
    public double maxNorm() {
        return maxNorm;
    }

    @Override
    protected void divideByMinibatch(boolean isExternal, Gradient gradient, int batchSize) {
        super.divideByMinibatch(isExternal, gradient, batchSize);
        List<INDArray> gradients = isExternal ? getMinibatchDivisionSubsets(gradient.gradient())
                : gradientsForMinibatchDivision;
        double squares = 0;
        for (INDArray g : gradients) {
            double norm = g.norm2Number().doubleValue();
            squares += norm * norm;
        }
        double coefficient = maxNorm / (Math.sqrt(squares) + 1e-6);
        if (coefficient < 1) {
            for (INDArray g : gradients) {
                g.muli(coefficient);
            }
        }
    }
}
