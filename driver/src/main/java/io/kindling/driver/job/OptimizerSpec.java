package io.kindling.driver.job;

import io.kindling.worker.optim.Adadelta;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The optimiser of a job, with torch.optim's meaning of each argument.
 *
 * @param weightDecay  L2 penalty added to the gradient before the step (adamw: decoupled decay)
 * @param clipGradNorm clip the global gradient norm to this before each step; 0 for none
 */
public record OptimizerSpec(String name, double lr, double momentum, boolean nesterov, double weightDecay,
                            double clipGradNorm) implements Serializable {
    /** The optimisers `--optimizer` offers, each following torch.optim's update rule and defaults. */
    public static final List<String> NAMES = List.of("adadelta", "adam", "adamw", "rmsprop", "sgd");

    public OptimizerSpec {
        requireKnown(name);
        if (momentum > 0 && !name.equals("sgd") && !name.equals("rmsprop")) {
            throw new IllegalArgumentException("--momentum: only sgd and rmsprop take momentum, not " + name);
        }
        if (nesterov && (!name.equals("sgd") || momentum == 0)) {
            throw new IllegalArgumentException("--nesterov: needs --optimizer sgd and --momentum > 0");
        }
    }

    public static void requireKnown(String name) {
        JobOptions.OPTIMIZER.check(Objects.requireNonNull(name, "optimizer"));
    }

    /** The learning rate when `--lr` is not given: the seed's 1.0 for Adadelta, else PyTorch's default. */
    public static double defaultLearningRate(String name) {
        requireKnown(name);
        return switch (name) {
            case "adadelta" -> Adadelta.DEFAULT_LR;
            case "adam", "adamw" -> 1e-3;
            default -> 0.01;
        };
    }

    /** The weight decay when `--weight-decay` is not given: PyTorch's 0.01 for AdamW, else 0. */
    public static double defaultWeightDecay(String name) {
        return name.equals("adamw") ? 0.01 : 0;
    }
}
