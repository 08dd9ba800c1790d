package io.kindling.driver.schedule;

/** No scheduler: every epoch trains with the same rate. */
public record ConstantLr(double lr) implements LrSchedule {
    @Override
    public double lr(int epoch) {
        return lr;
    }

    @Override
    public LrSchedule withLrAt(int epoch, double newLr) {
        return new ConstantLr(newLr);
    }
}
