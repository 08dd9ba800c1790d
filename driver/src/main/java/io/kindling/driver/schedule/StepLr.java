package io.kindling.driver.schedule;

import io.kindling.driver.job.JobOptions;

/** StepLR: {@code lr · gamma^floor(last_epoch / step_size)}. */
public record StepLr(double initialLr, int stepSize, double gamma) implements LrSchedule {
    public StepLr {
        JobOptions.STEP_SIZE.check(stepSize);
    }

    @Override
    public double lr(int epoch) {
        return initialLr * Math.pow(gamma, (epoch - 1) / stepSize);
    }

    @Override
    public StepLr withLrAt(int epoch, double lr) {
        return new StepLr(lr / Math.pow(gamma, (epoch - 1) / stepSize), stepSize, gamma);
    }
}
