package io.kindling.worker;

import io.kindling.worker.layers.CpuKernels;
import io.kindling.worker.optim.GlobalNormClipping;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** The network a task trains or evaluates: the job's configuration with the workers' kernels installed. */
public final class Networks {
    private Networks() {
    }

    /** A new network of the job's configuration, with the CPU kernels and gradient clipping when asked. */
    public static MultiLayerNetwork build(WorkerConfig config) {
        MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(config.modelJson()));
        net.init();
        CpuKernels.install(net);
        if (config.clipGradNorm() > 0) {
            GlobalNormClipping.install(net, config.clipGradNorm());
        }
        return net;
    }
}
