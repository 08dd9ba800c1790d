package io.kindling.driver.schedule;

import io.kindling.driver.job.EpochResult;
import io.kindling.driver.job.JobOptions;
import io.kindling.driver.job.Metric;

/**
 * ReduceLROnPlateau, stepped with an epoch metric (test loss by default): when the metric has not
 * improved by more than {@code threshold} (relative or absolute) for more than {@code patience}
 * epochs, the rate is multiplied by {@code factor} (not below {@code minLr}) and {@code cooldown}
 * epochs pass before bad epochs count again. {@code best} is null until the first epoch has ended.
 */
public record ReduceLrOnPlateau(String metric, String mode, double factor, int patience, double threshold,
                                String thresholdMode, int cooldown, double minLr,
                                double lr, Double best, int numBadEpochs, int cooldownCounter) implements LrSchedule {
    private static final double EPS = 1e-8;

    public ReduceLrOnPlateau {
        Metric.named(metric);
        JobOptions.PLATEAU_MODE.check(mode);
        JobOptions.THRESHOLD_MODE.check(thresholdMode);
        JobOptions.FACTOR.check(factor);
        JobOptions.PATIENCE.check(patience);
        JobOptions.COOLDOWN.check(cooldown);
    }

    /** A fresh scheduler starting at {@code lr}. */
    public static ReduceLrOnPlateau starting(double lr, String metric, String mode, double factor, int patience,
                                             double threshold, String thresholdMode, int cooldown, double minLr) {
        return new ReduceLrOnPlateau(metric, mode, factor, patience, threshold, thresholdMode, cooldown, minLr,
                lr, null, 0, 0);
    }

    @Override
    public double lr(int epoch) {
        return lr;
    }

    @Override
    public ReduceLrOnPlateau afterEpoch(EpochResult result) {
        double current = Metric.named(metric).of(result);
        Double newBest = best;
        int bad = numBadEpochs;
        int cooling = cooldownCounter;
        double newLr = lr;
        if (best == null || isBetter(current, best)) {
            newBest = current;
            bad = 0;
        } else {
            bad++;
        }
        if (cooling > 0) {
            cooling--;
            bad = 0;
        }
        if (bad > patience) {
            double reduced = Math.max(lr * factor, minLr);
            if (lr - reduced > EPS) {
                newLr = reduced;
            }
            cooling = cooldown;
            bad = 0;
        }
        return new ReduceLrOnPlateau(metric, mode, factor, patience, threshold, thresholdMode, cooldown, minLr,
                newLr, newBest, bad, cooling);
    }

    private boolean isBetter(double a, double best) {
        boolean min = mode.equals("min");
        if (thresholdMode.equals("rel")) {
            return min ? a < best * (1 - threshold) : a > best * (1 + threshold);
        }
        return min ? a < best - threshold : a > best + threshold;
    }

    @Override
    public ReduceLrOnPlateau withLrAt(int epoch, double newLr) {
        return new ReduceLrOnPlateau(metric, mode, factor, patience, threshold, thresholdMode, cooldown, minLr,
                newLr, best, numBadEpochs, cooldownCounter);
    }
}
