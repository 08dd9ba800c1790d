package io.kindling.datasets.transform;

import java.util.SplittableRandom;

/** {@code ToTensor()}: 8-bit values to [0, 1], in place. */
public record ToTensor() implements Transform {
    @Override
    public Tensor apply(Tensor in, SplittableRandom random) {
        float[] data = in.data();
        for (int i = 0; i < data.length; i++) {
            data[i] = data[i] / 255f;
        }
        return in;
    }

    @Override
    public String text() {
        return "to_tensor";
    }
}
