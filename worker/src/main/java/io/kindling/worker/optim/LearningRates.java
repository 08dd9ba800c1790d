package io.kindling.worker.optim;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Sets a network's learning rate by changing its updater configurations in place. Every updater,
 * DL4J's and Kindling's, reads the rate from its configuration at each step, so nothing is rebuilt
 * (DL4J's {@code setLearningRate} rebuilds the updater, which would drop a custom one such as
 * {@link GlobalNormClipping}).
 */
public final class LearningRates {
    private LearningRates() {
    }

    public static void set(MultiLayerNetwork net, double lr) {
        for (Layer layer : net.getLayers()) {
            if (layer.conf().getLayer() instanceof BaseLayer base) {
                set(base.getIUpdater(), lr);
                set(base.getBiasUpdater(), lr);
            }
        }
    }

    private static void set(IUpdater updater, double lr) {
        if (updater != null && updater.hasLearningRate()) {
            updater.setLrAndSchedule(lr, null);
        }
    }
}
