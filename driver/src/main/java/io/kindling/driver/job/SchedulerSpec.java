package io.kindling.driver.job;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The LR scheduler of a job and its arguments, named as in torch.optim.lr_scheduler.
 *
 * @param tMax   CosineAnnealingLR's T_max; 0 means the number of epochs
 * @param metric what ReduceLROnPlateau watches: a {@link Metric} key, such as test_loss
 * @param lambda LambdaLR's factor as an expression of epoch, e.g. 0.95^epoch
 */
public record SchedulerSpec(String name, double gamma, int stepSize, List<Integer> milestones, int tMax,
                            double etaMin, String mode, double factor, int patience, double threshold,
                            String thresholdMode, int cooldown, double minLr, String metric, String lambda)
        implements Serializable {
    public static final List<String> NAMES =
            List.of("step", "multistep", "exponential", "cosine", "plateau", "lambda", "none");

    public SchedulerSpec {
        milestones = List.copyOf(milestones);
        Objects.requireNonNull(name, "scheduler");
    }
}
