package io.kindling.datasets.transform;

import java.util.SplittableRandom;

/** {@code Resize((h, w))}: bilinear, with half-pixel centres as torchvision (align_corners=False). */
public record Resize(int height, int width) implements Transform {
    public Resize {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("resize: expected a size >= 1, got " + height + "x" + width);
        }
    }

    @Override
    public boolean needsImage() {
        return true;
    }

    @Override
    public int[] shape(int[] in) {
        return new int[] {in[0], height, width};
    }

    @Override
    public Tensor apply(Tensor in, SplittableRandom random) {
        if (in.height() == height && in.width() == width) {
            return in;
        }
        float[] out = new float[in.channels() * height * width];
        double sy = (double) in.height() / height;
        double sx = (double) in.width() / width;
        for (int c = 0; c < in.channels(); c++) {
            for (int y = 0; y < height; y++) {
                double fy = Math.max(0, (y + 0.5) * sy - 0.5);
                int y0 = Math.min((int) fy, in.height() - 1);
                int y1 = Math.min(y0 + 1, in.height() - 1);
                double dy = fy - y0;
                for (int x = 0; x < width; x++) {
                    double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                    int x0 = Math.min((int) fx, in.width() - 1);
                    int x1 = Math.min(x0 + 1, in.width() - 1);
                    double dx = fx - x0;
                    double top = in.at(c, y0, x0) * (1 - dx) + in.at(c, y0, x1) * dx;
                    double bottom = in.at(c, y1, x0) * (1 - dx) + in.at(c, y1, x1) * dx;
                    out[(c * height + y) * width + x] = (float) (top * (1 - dy) + bottom * dy);
                }
            }
        }
        return new Tensor(in.channels(), height, width, out);
    }

    @Override
    public String text() {
        return "resize(" + height + ", " + width + ")";
    }
}
