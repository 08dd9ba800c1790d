package io.kindling.driver.train;

/**
 * PyTorch's StepLR stepped once per epoch: epoch e (1-based) trains with
 * {@code lr · gamma^floor((e − 1) / stepSize)}.
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
}
