package io.kindling.driver.job;

import java.util.Arrays;
import java.util.List;

/** Epoch metrics a job can rank checkpoints by (`--keep-best`). */
public enum Metric {
    TEST_ACCURACY("test_accuracy", true),
    TEST_LOSS("test_loss", false),
    VALIDATION_ACCURACY("validation_accuracy", true),
    VALIDATION_LOSS("validation_loss", false),
    TRAIN_LOSS("train_loss", false);

    public static final List<String> NAMES = Arrays.stream(values()).map(Metric::key).toList();

    private final String key;
    private final boolean higherIsBetter;

    Metric(String key, boolean higherIsBetter) {
        this.key = key;
        this.higherIsBetter = higherIsBetter;
    }

    public String key() {
        return key;
    }

    public static Metric named(String key) {
        for (Metric m : values()) {
            if (m.key.equals(key)) {
                return m;
            }
        }
        throw new IllegalArgumentException("metric " + key + ": unknown, expected one of " + NAMES);
    }

    /** The metric's value in an epoch's result; NaN when the job has no such set. */
    public double of(EpochResult result) {
        return switch (this) {
            case TEST_ACCURACY -> result.test() == null ? Double.NaN : result.test().accuracy();
            case TEST_LOSS -> result.test() == null ? Double.NaN : result.test().averageLoss();
            case VALIDATION_ACCURACY -> result.validation() == null ? Double.NaN : result.validation().accuracy();
            case VALIDATION_LOSS -> result.validation() == null ? Double.NaN : result.validation().averageLoss();
            case TRAIN_LOSS -> result.train().meanLoss();
        };
    }

    /** True when {@code a} is strictly better than {@code b}. */
    public boolean better(double a, double b) {
        return higherIsBetter ? a > b : a < b;
    }
}
