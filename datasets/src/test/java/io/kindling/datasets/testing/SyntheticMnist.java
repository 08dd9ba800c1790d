package io.kindling.datasets.testing;

import java.nio.file.Path;
import java.util.Random;

/**
 * A small MNIST-format dataset that a network learns in a few steps: an example of class c is noise
 * with a bright 7x7 block at a position that depends on c.
 */
public final class SyntheticMnist {
    public static final int SIDE = 28;

    private SyntheticMnist() {
    }

    /** Writes the four IDX files into {@code dir}, gzipped or raw. */
    public static void write(Path dir, int trainCount, int testCount, long seed, boolean gzip) {
        String suffix = gzip ? ".gz" : "";
        Random random = new Random(seed);
        writeSplit(dir, "train", trainCount, random, suffix);
        writeSplit(dir, "t10k", testCount, random, suffix);
    }

    private static void writeSplit(Path dir, String prefix, int count, Random random, String suffix) {
        byte[] labels = new byte[count];
        byte[] pixels = new byte[count * SIDE * SIDE];
        for (int i = 0; i < count; i++) {
            int label = random.nextInt(10);
            labels[i] = (byte) label;
            int offset = i * SIDE * SIDE;
            for (int p = 0; p < SIDE * SIDE; p++) {
                pixels[offset + p] = (byte) random.nextInt(60);
            }
            int top = 2 + (label / 5) * 14;
            int left = 1 + (label % 5) * 5;
            for (int r = top; r < top + 7; r++) {
                for (int c = left; c < left + 5; c++) {
                    pixels[offset + r * SIDE + c] = (byte) (200 + random.nextInt(56));
                }
            }
        }
        IdxFiles.write(dir.resolve(prefix + "-images-idx3-ubyte" + suffix), IdxFiles.images(count, SIDE, SIDE, pixels));
        IdxFiles.write(dir.resolve(prefix + "-labels-idx1-ubyte" + suffix), IdxFiles.labels(labels));
    }
}
