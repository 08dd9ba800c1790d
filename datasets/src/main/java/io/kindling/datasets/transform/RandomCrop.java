package io.kindling.datasets.transform;

import java.util.SplittableRandom;

/** {@code RandomCrop(size, padding)}: zero padding on every side, then a random size × size window. */
public record RandomCrop(int size, int padding) implements Transform {
    public RandomCrop {
        if (size < 1 || padding < 0) {
            throw new IllegalArgumentException("random_crop: expected size >= 1 and padding >= 0");
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
    public int[] shape(int[] in) {
        if (in[1] + 2 * padding < size || in[2] + 2 * padding < size) {
            throw new IllegalArgumentException("random_crop(" + size + ", " + padding + "): larger than the padded "
                    + in[1] + "x" + in[2] + " image");
        }
        return new int[] {in[0], size, size};
    }

    @Override
    public Tensor apply(Tensor in, SplittableRandom random) {
        int top = random.nextInt(in.height() + 2 * padding - size + 1) - padding;
        int left = random.nextInt(in.width() + 2 * padding - size + 1) - padding;
        float[] out = new float[in.channels() * size * size];
        for (int c = 0; c < in.channels(); c++) {
            for (int y = 0; y < size; y++) {
                int sy = top + y;
                if (sy < 0 || sy >= in.height()) {
                    continue;
                }
                for (int x = 0; x < size; x++) {
                    int sx = left + x;
                    if (sx >= 0 && sx < in.width()) {
                        out[(c * size + y) * size + x] = in.at(c, sy, sx);
                    }
                }
            }
        }
        return new Tensor(in.channels(), size, size, out);
    }

    @Override
    public String text() {
        return "random_crop(" + size + ", " + padding + ")";
    }
}
