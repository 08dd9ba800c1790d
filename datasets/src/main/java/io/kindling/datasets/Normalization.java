package io.kindling.datasets;

import java.io.Serializable;

/**
 * torchvision's {@code ToTensor()} then {@code Normalize(mean, std)} for one-channel 8-bit pixels:
 * {@code (p / 255 - mean) / std}. Applied on executors when a minibatch is assembled.
 */
public record Normalization(double mean, double std) implements Serializable {
    /** The statistics of the MNIST training set that pytorch/examples uses. */
    public static final Normalization MNIST = new Normalization(0.1307, 0.3081);

    public Normalization {
        if (!(std > 0)) {
            throw new IllegalArgumentException("std must be > 0, got " + std);
        }
    }

    /** The normalised value of each of the 256 byte values. */
    public float[] lookupTable() {
        float[] table = new float[256];
        for (int p = 0; p < 256; p++) {
            table[p] = (float) ((p / 255.0 - mean) / std);
        }
        return table;
    }
}
