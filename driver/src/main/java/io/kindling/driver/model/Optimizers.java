package io.kindling.driver.model;

import io.kindling.worker.optim.Adadelta;
import java.util.List;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;

/** The optimisers `--optimizer` offers, with PyTorch's meaning of each argument. */
public final class Optimizers {
    public static final List<String> NAMES = List.of("adadelta", "adam", "sgd");

    private Optimizers() {
    }

    /** The learning rate used when `--lr` is not given: the seed's 1.0 for Adadelta, PyTorch's for Adam. */
    public static double defaultLearningRate(String name) {
        return switch (name) {
            case "adadelta" -> Adadelta.DEFAULT_LR;
            case "adam" -> 1e-3;
            case "sgd" -> 0.01;
            default -> throw unknown(name);
        };
    }

    public static IUpdater create(String name, double lr) {
        return switch (name) {
            case "adadelta" -> new Adadelta(lr, Adadelta.DEFAULT_RHO, Adadelta.DEFAULT_EPSILON);
            case "adam" -> new Adam(lr);
            case "sgd" -> new Sgd(lr);
            default -> throw unknown(name);
        };
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("--optimizer " + name + ": unknown, expected one of " + NAMES);
    }
}
