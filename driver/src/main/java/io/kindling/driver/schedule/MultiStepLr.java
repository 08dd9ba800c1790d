package io.kindling.driver.schedule;

import java.util.List;

/** MultiStepLR: {@code lr · gamma^(number of milestones <= last_epoch)}. */
public record MultiStepLr(double initialLr, List<Integer> milestones, double gamma) implements LrSchedule {
    public MultiStepLr {
        milestones = List.copyOf(milestones);
        if (milestones.isEmpty()) {
            throw new IllegalArgumentException("--milestones: expected a list of epochs such as 5,10");
        }
    }

    @Override
    public double lr(int epoch) {
        return initialLr * factor(epoch);
    }

    private double factor(int epoch) {
        long passed = milestones.stream().filter(m -> m <= epoch - 1).count();
        return Math.pow(gamma, passed);
    }

    @Override
    public MultiStepLr withLrAt(int epoch, double lr) {
        return new MultiStepLr(lr / factor(epoch), milestones, gamma);
    }
}
