package io.kindling.driver.schedule;

/** ExponentialLR: {@code lr · gamma^last_epoch}. */
public record ExponentialLr(double initialLr, double gamma) implements LrSchedule {
    @Override
    public double lr(int epoch) {
        return initialLr * Math.pow(gamma, epoch - 1);
    }

    @Override
    public ExponentialLr withLrAt(int epoch, double lr) {
        return new ExponentialLr(lr / Math.pow(gamma, epoch - 1), gamma);
    }
}
