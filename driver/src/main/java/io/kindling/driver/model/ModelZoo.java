package io.kindling.driver.model;

import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.nd4j.linalg.learning.config.IUpdater;

/** The models `--model` names. */
public final class ModelZoo {
    public static final List<String> NAMES = List.of(MnistCnn.NAME);

    private ModelZoo() {
    }

    public static MultiLayerConfiguration configuration(String name, IUpdater updater, long seed) {
        if (MnistCnn.NAME.equals(name)) {
            return MnistCnn.configuration(updater, seed);
        }
        throw new IllegalArgumentException("--model " + name + ": unknown, expected one of " + NAMES);
    }
}
