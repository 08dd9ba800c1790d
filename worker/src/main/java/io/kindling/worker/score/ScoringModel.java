package io.kindling.worker.score;

import io.kindling.worker.Backend;
import io.kindling.worker.FlatModel;
import io.kindling.worker.GpuBinding;
import io.kindling.worker.MinibatchAssembler;
import io.kindling.worker.Networks;
import io.kindling.worker.WorkerConfig;
import java.io.Serializable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A trained model as executors score with it: the network's configuration, the example shape and
 * transforms it was trained with, and its parameters. Broadcast once per transform.
 *
 * @param config the network and data settings (only the configuration, data, transforms and threads
 *               matter for scoring)
 * @param params the network's parameters, flat, in DL4J's order
 */
public record ScoringModel(WorkerConfig config, float[] params) implements Serializable {

    /** The network, in this task's thread budget and on its GPU, with the parameters set. */
    MultiLayerNetwork network() {
        Backend.useThreads(config.threadsPerTask());
        GpuBinding.bindTaskGpu();
        MultiLayerNetwork net = Networks.build(config);
        FlatModel.setParams(net, params);
        return net;
    }

    MinibatchAssembler assembler() {
        return config.assembler();
    }
}
