package io.kindling.worker.layers;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Kindling's Java kernels and layer variants, put in place of DL4J's where those are slow on the CPU
 * backend: pooling, dense layers that keep their forward output, ReLU's backward, dropout.
 */
public final class CpuKernels {
    private CpuKernels() {
    }

    /**
     * Installs them into {@code net} right after {@code init()}. The network's configuration is
     * changed: call it only on a network whose parameters are read back, never on one that is saved.
     */
    public static void install(MultiLayerNetwork net) {
        CpuPooling.install(net);
        CachedDense.install(net);
        CpuRelu.install(net);
        CpuDropout.install(net);
    }
}
