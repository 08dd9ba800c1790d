package io.kindling.driver.data;

import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.ExampleSource;
import io.kindling.datasets.cifar.CifarSource;
import io.kindling.driver.data.fetch.ArchiveFetcher;
import io.kindling.driver.data.fetch.ArchiveSpec;
import io.kindling.driver.data.fetch.Mirror;
import io.kindling.driver.data.fetch.UriMirror;
import io.kindling.driver.job.DataSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * CIFAR-10's binary version: five training batches and a test batch in a directory, fetched when
 * missing. Its authors publish one archive and its MD5 (not a hash per file), so the archive is
 * checked against that MD5 and every extracted file against its exact size (10 000 records of 3073
 * bytes); the files' SHA-256s are then recorded for later checks.
 */
public final class Cifar10 implements Dataset {
    public static final ArchiveSpec ARCHIVE;

    static {
        Map<String, Long> members = new LinkedHashMap<>();
        for (String file : CifarSource.TRAIN_FILES) {
            members.put(file, 10_000L * CifarSource.RECORD);
        }
        members.put(CifarSource.TEST_FILES.get(0), 10_000L * CifarSource.RECORD);
        members.put(CifarSource.META, -1L);
        ARCHIVE = new ArchiveSpec("cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530",
                "cifar-10-batches-bin", members);
    }

    /** The authors' site; a --mirror holding the same archive is tried first. */
    public static final List<String> MIRRORS = List.of("https://www.cs.toronto.edu/~kriz/");

    @Override
    public String name() {
        return "cifar10";
    }

    @Override
    public boolean readsUserFiles() {
        return false;
    }

    @Override
    public String defaultTransforms() {
        return "to_tensor";
    }

    @Override
    public boolean downloadable() {
        return true;
    }

    @Override
    public void fetch(String dir, List<String> userMirrors, Configuration conf, Consumer<String> log) {
        fetch(dir, ARCHIVE, userMirrors, conf, log);
    }

    /** With another archive description: tests fetch archives they build. */
    static void fetch(String dir, ArchiveSpec archive, List<String> userMirrors, Configuration conf,
                      Consumer<String> log) {
        List<Mirror> mirrors = UriMirror.all(conf, userMirrors, MIRRORS);
        try {
            new ArchiveFetcher(conf, log).fetch(dir, archive, mirrors);
        } finally {
            mirrors.forEach(Mirror::close);
        }
    }

    @Override
    public String title() {
        return "CIFAR-10";
    }

    @Override
    public String checkCached(String dir, Configuration conf) {
        return new ArchiveFetcher(conf, message -> { }).checkCached(dir, ARCHIVE);
    }

    /** True when the six record files are in {@code dir}. */
    @Override
    public boolean present(String dir, Configuration conf) {
        try {
            Path base = new Path(dir);
            FileSystem fs = base.getFileSystem(conf);
            for (String file : ARCHIVE.members().keySet()) {
                if (!file.equals(CifarSource.META) && !fs.exists(new Path(base, file))) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list: " + e.getMessage(), e);
        }
    }

    @Override
    public List<ExampleSource> training(DataSpec spec, JavaSparkContext sc, int partitions) {
        Configuration conf = sc.hadoopConfiguration();
        List<ExampleSource> sources = new ArrayList<>();
        sources.add(CifarSource.open(spec.dir(), CifarSource.Split.TRAIN, conf));
        spec.trainData().forEach(d -> sources.add(CifarSource.open(d, CifarSource.Split.TRAIN, conf)));
        return sources;
    }

    @Override
    public List<ExampleSource> test(DataSpec spec, DatasetInfo trained, Configuration conf) {
        return List.of(CifarSource.open(spec.dir(), CifarSource.Split.TEST, conf));
    }
}
