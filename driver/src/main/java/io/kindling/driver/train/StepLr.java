package io.kindling.driver.train;

/**
 * PyTorch's StepLR stepped once per epoch: epoch e (1-based) trains with
 * {@code initialLr · gamma^floor((e − 1) / stepSize)}.
 */
public record StepLr(double initialLr, int stepSize, double gamma) {
    public StepLr {
        if (stepSize < 1) {
            throw new IllegalArgumentException("step size must be >= 1, got " + stepSize);
        }
    }

    public double lr(int epoch) {
        return initialLr * Math.pow(gamma, (epoch - 1) / stepSize);
    }

    /** The same schedule scaled so that {@code epoch} trains with {@code lr}: decays stay on the same epochs. */
    public StepLr withLrAt(int epoch, double lr) {
        return new StepLr(lr / Math.pow(gamma, (epoch - 1) / stepSize), stepSize, gamma);
    }
}
