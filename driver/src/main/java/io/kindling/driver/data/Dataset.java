package io.kindling.driver.data;

import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.ExampleSource;
import io.kindling.datasets.transform.Pipeline;
import io.kindling.driver.job.DataSpec;
import java.io.PrintStream;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One kind of data source, as `--dataset` names it: how it is fetched (if it is), where it lives by
 * default, how its splits are opened, and the transforms its examples get unless told otherwise.
 * Adding a source is a class implementing this and a line in {@link Datasets}.
 */
public interface Dataset {
    /** The name `--dataset` gives. */
    String name();

    /** Whether the user's files are the data (`--train-data`), rather than a standard layout in `--data-dir`. */
    boolean readsUserFiles();

    /** The transforms when `--transforms` is not given, like a torchvision dataset's usual ones. */
    String defaultTransforms();

    /** The directory when `--data-dir` is not given: the dataset's cache directory. */
    default String defaultDir() {
        return DataDirs.defaultFor(name());
    }

    /** Rejects options this source cannot honour, with the option's name; before anything runs. */
    default void check(DataSpec spec) {
        if (readsUserFiles() && spec.trainData().isEmpty()) {
            throw new IllegalArgumentException("--train-data: needed with --dataset " + name()
                    + ", expected the training " + userFiles());
        }
        if (spec.regression() && !numericTargets()) {
            throw new IllegalArgumentException("--regression: only --dataset csv has numeric targets");
        }
    }

    /** Whether its labels may be numbers to predict (`--regression`) rather than classes. */
    default boolean numericTargets() {
        return false;
    }

    /** What the user's files are, for messages. */
    default String userFiles() {
        return "files";
    }

    /** Whether `kindling datasets fetch` can download it. */
    default boolean downloadable() {
        return false;
    }

    /** Downloads the dataset into {@code dir}, verified; {@code mirrors} are tried first. */
    default void fetch(String dir, List<String> mirrors, Configuration conf, Consumer<String> log) {
        throw new IllegalArgumentException("dataset " + name() + " is the user's files; there is nothing to fetch");
    }

    /**
     * Null when the cached files in {@code dir} are the dataset's (sizes always, contents hashed on
     * their first use), else the first problem. Only for datasets Kindling fetches.
     */
    default String checkCached(String dir, Configuration conf) {
        return null;
    }

    /** Whether a downloadable dataset's files are all in {@code dir}. */
    default boolean present(String dir, Configuration conf) {
        return true;
    }

    /** The dataset's name in messages, such as "CIFAR-10". */
    default String title() {
        return name();
    }

    /** Fetches the dataset into the job's directory when it is missing and `--download` allows. */
    default void ensure(DataSpec spec, Configuration conf, PrintStream out) {
        if (!downloadable()) {
            return;
        }
        if (present(spec.dir(), conf)) {
            String problem = checkCached(spec.dir(), conf);
            if (problem == null) {
                return;
            }
            if (!spec.download()) {
                throw new IllegalArgumentException("--data-dir " + spec.dir() + ": " + problem + "; delete it, or drop"
                        + " --no-download, to fetch it again");
            }
            out.println(title() + " in " + spec.dir() + ": " + problem + "; fetching it again");
            fetch(spec.dir(), spec.mirrors(), conf, out::println);
            return;
        }
        if (!spec.download()) {
            throw new IllegalArgumentException("--data-dir " + spec.dir() + ": " + title() + " files not found and"
                    + " --no-download given; run `kindling datasets fetch " + name() + " --data-dir " + spec.dir()
                    + "`");
        }
        out.println("Downloading " + title() + " into " + spec.dir());
        fetch(spec.dir(), spec.mirrors(), conf, out::println);
    }

    /**
     * The training sources of a job (several are concatenated), opened on the driver: headers,
     * file lists and counts only.
     */
    List<ExampleSource> training(DataSpec spec, JavaSparkContext sc, int partitions);

    /**
     * The test sources; {@code trained} is the training data's shape and classes, which test
     * examples must match (CSV's label map, image folders' size and classes).
     */
    List<ExampleSource> test(DataSpec spec, DatasetInfo trained, Configuration conf);

    /** The job's transforms: the given ones, or this dataset's default. */
    default Pipeline transforms(DataSpec spec) {
        return Pipeline.parse(spec.transforms() != null ? spec.transforms() : defaultTransforms());
    }

    /** Where the job's data is, for messages: the training files, or the data directory. */
    default String location(DataSpec spec) {
        return readsUserFiles() ? "--train-data " + String.join(",", spec.trainData()) : "--data-dir " + spec.dir();
    }
}
