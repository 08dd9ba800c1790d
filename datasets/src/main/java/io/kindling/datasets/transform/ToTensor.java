package io.kindling.datasets.transform;

import java.util.SplittableRandom;

/** {@code ToTensor()}: 8-bit values to [0, 1]. */
public record ToTensor() implements Transform {
    @Override
    public Tensor apply(Tensor in, SplittableRandom random) {
        float[] out = new float[in.data().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = in.data()[i] / 255f;
        }
        return new Tensor(in.channels(), in.height(), in.width(), out);
    }

    @Override
    public String text() {
        return "to_tensor";
    }
}
