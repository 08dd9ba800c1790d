package io.kindling.datasets.transform;

/** One example on its way through the transforms: channels × height × width floats (rows: h = w = 1). */
public record Tensor(int channels, int height, int width, float[] data) {
    public int plane() {
        return height * width;
    }

    public float at(int c, int y, int x) {
        return data[c * plane() + y * width + x];
    }
}
