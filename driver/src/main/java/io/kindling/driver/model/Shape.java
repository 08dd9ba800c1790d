package io.kindling.driver.model;

/** The shape of one example between layers: channels × height × width, or a flat vector (height = width = 0). */
public record Shape(int channels, int height, int width) {
    public static Shape flat(int size) {
        return new Shape(size, 0, 0);
    }

    public static Shape image(int channels, int height, int width) {
        return new Shape(channels, height, width);
    }

    public boolean isImage() {
        return height > 0;
    }

    /** Values per example. */
    public int size() {
        return isImage() ? channels * height * width : channels;
    }

    /** Parses {@code CxHxW} (e.g. 1x28x28) or a single size. */
    public static Shape parse(String text) {
        String[] parts = text.trim().split("x");
        try {
            if (parts.length == 3) {
                return image(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
            }
            if (parts.length == 1) {
                return flat(Integer.parseInt(parts[0]));
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("--input " + text + ": expected CxHxW such as 1x28x28, or a size");
    }

    @Override
    public String toString() {
        return isImage() ? channels + "x" + height + "x" + width : String.valueOf(channels);
    }
}
