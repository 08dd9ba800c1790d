package io.kindling.datasets.mnist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** The four MNIST IDX files in a directory, raw or gzipped. */
public final class MnistFiles {
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    public static final List<String> ALL = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    private MnistFiles() {
    }

    /** The file for {@code name} in {@code dir}: the raw IDX file if present, else its {@code .gz}. */
    public static Optional<Path> find(String dir, String name, Configuration conf) {
        try {
            Path base = new Path(dir);
            FileSystem fs = base.getFileSystem(conf);
            for (String candidate : List.of(name, name + ".gz")) {
                Path p = new Path(base, candidate);
                if (fs.exists(p)) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list: " + e.getMessage(), e);
        }
    }

    /** True when all four files are in {@code dir}, raw or gzipped. */
    public static boolean present(String dir, Configuration conf) {
        return ALL.stream().allMatch(f -> find(dir, f, conf).isPresent());
    }
}
