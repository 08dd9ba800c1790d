package io.kindling.worker;

import io.kindling.worker.layers.FusedStack;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A network that trains and predicts through {@link FusedStack} when its layers allow (on the CPU
 * backend: dense layers, optionally after small convolutions and pooling, as in an MLP or LeNet-5),
 * and exactly as DL4J's {@link MultiLayerNetwork} otherwise.
 * Only the computation changes: parameters, updater state and saved models are DL4J's own.
 */
public final class FusedNetwork extends MultiLayerNetwork {
    private transient FusedStack fusedStack;
    private transient boolean checked;

    public FusedNetwork(MultiLayerConfiguration conf) {
        super(conf);
    }

    /** Whether training and inference take the fused path. */
    public boolean fused() {
        return stack() != null;
    }

    // Decided on first use: after init() and after the worker's kernels have replaced layers.
    private FusedStack stack() {
        if (!checked && params() != null) {
            fusedStack = FusedStack.of(this);
            checked = true;
        }
        return fusedStack;
    }

    @Override
    public synchronized void fit(INDArray features, INDArray labels, INDArray featuresMask, INDArray labelsMask) {
        FusedStack stack = featuresMask == null && labelsMask == null && getListeners().isEmpty() ? stack() : null;
        if (stack == null || !stack.fits(features.size(0))) {
            super.fit(features, labels, featuresMask, labelsMask);
        } else {
            stack.fit(features, labels);
        }
    }

    @Override
    public synchronized INDArray output(INDArray input, boolean train, INDArray featuresMask, INDArray labelsMask,
                                        MemoryWorkspace outputWorkspace) {
        FusedStack stack = !train && featuresMask == null && outputWorkspace == null ? stack() : null;
        return stack == null ? super.output(input, train, featuresMask, labelsMask, outputWorkspace) : stack.output(input);
    }
}
