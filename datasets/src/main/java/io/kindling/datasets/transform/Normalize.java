package io.kindling.datasets.transform;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * {@code Normalize(mean, std)} per channel (per feature for rows). With null statistics it stands for
 * {@code normalize(auto)}: a job computes them from its training data before the first epoch.
 */
public record Normalize(double[] mean, double[] std) implements Transform {
    public Normalize {
        if ((mean == null) != (std == null) || (mean != null && mean.length != std.length)) {
            throw new IllegalArgumentException("normalize: expected as many means as standard deviations");
        }
        if (std != null && Arrays.stream(std).anyMatch(s -> !(s > 0))) {
            throw new IllegalArgumentException("normalize: standard deviations must be > 0, got " + Arrays.toString(std));
        }
    }

    public static Normalize auto() {
        return new Normalize(null, null);
    }

    public boolean isAuto() {
        return mean == null;
    }

    @Override
    public Tensor apply(Tensor in, SplittableRandom random) {
        if (isAuto()) {
            throw new IllegalStateException("normalize(auto) has not been computed");
        }
        if (mean.length != 1 && mean.length != in.channels()) {
            throw new IllegalArgumentException("normalize: " + mean.length + " means for " + in.channels() + " channels");
        }
        float[] data = in.data();
        int plane = in.plane();
        for (int c = 0; c < in.channels(); c++) {
            int k = mean.length == 1 ? 0 : c;
            float m = (float) mean[k];
            float s = (float) std[k];
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                data[i] = (data[i] - m) / s;
            }
        }
        return in;
    }

    @Override
    public String text() {
        return isAuto() ? "normalize(auto)" : "normalize(" + list(mean) + ", " + list(std) + ")";
    }

    private static String list(double[] values) {
        if (values.length == 1) {
            return String.valueOf(values[0]);
        }
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            s.append(i == 0 ? "" : ", ").append(values[i]); // shortest text that reads back to the same double
        }
        return s.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalize n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }
}
