package io.kindling.datasets.transform;

import java.util.SplittableRandom;

/** {@code RandomHorizontalFlip(p)}: mirrors the image left to right with probability p. */
public record RandomHorizontalFlip(double p) implements Transform {
    public RandomHorizontalFlip {
        if (p < 0 || p > 1) {
            throw new IllegalArgumentException("hflip: expected a probability in [0, 1], got " + p);
        }
    }

    @Override
    public boolean trainingOnly() {
        return true;
    }

    @Override
    public boolean needsImage() {
        return true;
    }

    @Override
    public Tensor apply(Tensor in, SplittableRandom random) {
        if (random.nextDouble() >= p) {
            return in;
        }
        float[] out = new float[in.data().length];
        for (int c = 0; c < in.channels(); c++) {
            for (int y = 0; y < in.height(); y++) {
                for (int x = 0; x < in.width(); x++) {
                    out[(c * in.height() + y) * in.width() + x] = in.at(c, y, in.width() - 1 - x);
                }
            }
        }
        return new Tensor(in.channels(), in.height(), in.width(), out);
    }

    @Override
    public String text() {
        return "hflip(" + p + ")";
    }
}
