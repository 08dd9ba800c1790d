package io.kindling.datasets;

import java.io.Serializable;

/**
 * One labelled example: its index in the dataset (dense 0..n-1, stable across epochs, used by the
 * shuffle and for seeding augmentations), its label (a class index, or the target of a regression),
 * and its features as stored: 8-bit pixels in CHW order for images, or numbers for tabular data.
 * Features are turned into floats only when a minibatch is assembled, so cached data stays compact.
 */
public final class Example implements Serializable {
    private static final long serialVersionUID = 2L;

    private final int index;
    private final float label;
    private final byte[] pixels;
    private final float[] values;

    private Example(int index, float label, byte[] pixels, float[] values) {
        this.index = index;
        this.label = label;
        this.pixels = pixels;
        this.values = values;
    }

    /** An image: 8-bit values in channel, row, column order. */
    public static Example image(int index, int label, byte[] pixels) {
        return new Example(index, label, pixels, null);
    }

    /** A row of numbers with a class index or a regression target. */
    public static Example numeric(int index, float label, float[] values) {
        return new Example(index, label, null, values);
    }

    public Example withIndex(int newIndex) {
        return new Example(newIndex, label, pixels, values);
    }

    public int index() {
        return index;
    }

    /** The class index of a classification example. */
    public int label() {
        return (int) label;
    }

    /** The label as a number: the class index, or the regression target. */
    public float target() {
        return label;
    }

    /** 8-bit pixels, or null for numeric examples. */
    public byte[] pixels() {
        return pixels;
    }

    /** Numeric features, or null for images. */
    public float[] values() {
        return values;
    }

    public int featureCount() {
        return pixels != null ? pixels.length : values.length;
    }
}
