package io.kindling.datasets;

import java.io.Serializable;
import java.util.List;

/**
 * What one example of a dataset looks like, as the model needs it: images are channels × height ×
 * width; tabular rows have {@code channels} features and height = width = 0. {@code classes} names the
 * classes in label order (its index is the label); it is empty for a regression.
 */
public record DatasetInfo(int channels, int height, int width, List<String> classes) implements Serializable {
    public DatasetInfo {
        classes = List.copyOf(classes);
    }

    public static DatasetInfo image(int channels, int height, int width, List<String> classes) {
        return new DatasetInfo(channels, height, width, classes);
    }

    public static DatasetInfo numeric(int features, List<String> classes) {
        return new DatasetInfo(features, 0, 0, classes);
    }

    public boolean isImage() {
        return height > 0;
    }

    /** Values per example. */
    public int features() {
        return isImage() ? channels * height * width : channels;
    }

    public int numClasses() {
        return classes.size();
    }

    public boolean isRegression() {
        return classes.isEmpty();
    }

    public String shape() {
        return isImage() ? channels + "x" + height + "x" + width : String.valueOf(channels);
    }

    /** Class names 0..n-1, for datasets whose classes are plain indices. */
    public static List<String> numbered(int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(String::valueOf).toList();
    }
}
