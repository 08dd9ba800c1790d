package io.kindling.worker;

import io.kindling.worker.layers.CpuKernels;
import io.kindling.worker.optim.GlobalNormClipping;
import io.kindling.worker.optim.LearningRates;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Networks built in this JVM, kept for reuse: a network is built from its JSON once per JVM and
 * concurrent task, not once per round. Tasks borrow one, load the round's parameters into it, and
 * give it back.
 */
public final class NetworkPool {
    private static final Map<String, ConcurrentLinkedDeque<PooledNetwork>> IDLE = new ConcurrentHashMap<>();
    private static final AtomicInteger BUILT = new AtomicInteger();

    private NetworkPool() {
    }

    /** A network of this JVM and the learning rate its updater is currently configured with. */
    public static final class PooledNetwork {
        final String key;
        final MultiLayerNetwork net;
        double learningRate = Double.NaN;

        PooledNetwork(String key, MultiLayerNetwork net) {
            this.key = key;
            this.net = net;
        }

        public MultiLayerNetwork net() {
            return net;
        }

        /** Sets the learning rate of every layer, only when it changed. */
        public void learningRate(double lr) {
            if (Double.compare(lr, learningRate) != 0) {
                LearningRates.set(net, lr);
                learningRate = lr;
            }
        }
    }

    /** A network of this configuration; {@code clipGradNorm} > 0 makes it clip its gradients' global norm. */
    public static PooledNetwork borrow(String modelJson, double clipGradNorm, int device) {
        String key = (clipGradNorm > 0 ? modelJson + "\nclip=" + clipGradNorm : modelJson)
                + (device >= 0 ? "\ndevice=" + device : "");
        PooledNetwork pooled = IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>()).pollFirst();
        if (pooled != null) {
            return pooled;
        }
        MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(modelJson));
        net.init();
        CpuKernels.install(net);
        if (clipGradNorm > 0) {
            GlobalNormClipping.install(net, clipGradNorm);
        }
        BUILT.incrementAndGet();
        return new PooledNetwork(key, net);
    }

    public static void giveBack(PooledNetwork pooled) {
        IDLE.computeIfAbsent(pooled.key, k -> new ConcurrentLinkedDeque<>()).addFirst(pooled);
    }

    /** How many networks this JVM has built so far. */
    public static int built() {
        return BUILT.get();
    }
}
