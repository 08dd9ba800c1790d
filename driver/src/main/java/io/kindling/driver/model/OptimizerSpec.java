package io.kindling.driver.model;

import java.io.Serializable;

/**
 * The optimiser of a job, with torch.optim's meaning of each argument.
 *
 * @param weightDecay  L2 penalty added to the gradient before the step (adamw: decoupled decay)
 * @param clipGradNorm clip the global gradient norm to this before each step; 0 for none
 */
public record OptimizerSpec(String name, double lr, double momentum, boolean nesterov, double weightDecay,
                            double clipGradNorm) implements Serializable {
    public OptimizerSpec {
        Optimizers.requireKnown(name);
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("--lr " + lr + ": expected a positive number");
        }
        if (momentum < 0 || momentum >= 1) {
            throw new IllegalArgumentException("--momentum " + momentum + ": expected a number in [0, 1)");
        }
        if (momentum > 0 && !name.equals("sgd") && !name.equals("rmsprop")) {
            throw new IllegalArgumentException("--momentum: only sgd and rmsprop take momentum, not " + name);
        }
        if (nesterov && (!name.equals("sgd") || momentum == 0)) {
            throw new IllegalArgumentException("--nesterov: needs --optimizer sgd and --momentum > 0");
        }
        if (weightDecay < 0) {
            throw new IllegalArgumentException("--weight-decay " + weightDecay + ": expected a number >= 0");
        }
        if (clipGradNorm < 0) {
            throw new IllegalArgumentException("--clip-grad-norm " + clipGradNorm + ": expected a number >= 0");
        }
    }
}
