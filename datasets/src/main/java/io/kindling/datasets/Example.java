package io.kindling.datasets;

import java.io.Serializable;

/**
 * One labelled training example as stored in the dataset: its index in the source (stable across
 * epochs, used by the global shuffle) and its raw bytes, decoded into floats only when a minibatch
 * is assembled so that cached partitions stay compact.
 */
public final class Example implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int index;
    private final int label;
    private final byte[] pixels;

    public Example(int index, int label, byte[] pixels) {
        this.index = index;
        this.label = label;
        this.pixels = pixels;
    }

    public int index() {
        return index;
    }

    public int label() {
        return label;
    }

    public byte[] pixels() {
        return pixels;
    }
}
