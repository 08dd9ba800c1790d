package io.kindling.datasets.table;

import java.io.Serializable;
import java.util.List;

/**
 * How a table's columns become examples.
 *
 * @param features    the feature columns; empty for every column but the label
 * @param labelColumn the label's column; null for {@code label} when there is one, else the last column
 * @param regression  the label is a number to predict, not a class
 * @param inputShape  C, H, W of images stored as one array column; null otherwise
 * @param imageHeight encoded images: resize to this height (0: the first image's)
 * @param imageWidth  encoded images: resize to this width (0: the first image's)
 * @param grayscale   encoded images: one channel instead of RGB
 */
public record TableOptions(List<String> features, String labelColumn, boolean regression, int[] inputShape,
                           int imageHeight, int imageWidth, boolean grayscale) implements Serializable {
    public TableOptions {
        features = List.copyOf(features);
    }
}
