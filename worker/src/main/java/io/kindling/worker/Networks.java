package io.kindling.worker;

import io.kindling.worker.layers.CpuKernels;
import io.kindling.worker.optim.GlobalNormClipping;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The network a task trains or evaluates: the job's configuration with the workers' kernels
 * installed, trained through the fused dense path where its layers allow ({@link FusedNetwork}).
 */
public final class Networks {
    private Networks() {
    }

    /** A new network of the job's configuration, with the CPU kernels and gradient clipping when asked. */
    public static MultiLayerNetwork build(WorkerConfig config) {
        MultiLayerNetwork net = of(MultiLayerConfiguration.fromJson(config.modelJson()));
        if (config.clipGradNorm() > 0) {
            GlobalNormClipping.install(net, config.clipGradNorm());
        }
        return net;
    }

    /** A new, initialised network of {@code conf} (which it takes over) with the CPU kernels. */
    public static MultiLayerNetwork of(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new FusedNetwork(conf);
        net.init();
        CpuKernels.install(net);
        return net;
    }

    /**
     * A network for inference with {@code trained}'s configuration and parameters (shared, not
     * copied), taking the fused path where it can. The CPU kernels change only the copy's
     * configuration (see {@link CpuKernels}).
     */
    public static MultiLayerNetwork forInference(MultiLayerNetwork trained) {
        MultiLayerNetwork net = new FusedNetwork(trained.getLayerWiseConfigurations().clone());
        net.init(trained.params(), false);
        CpuKernels.install(net);
        return net;
    }
}
