package io.kindling.datasets.cifar;

import io.kindling.datasets.fetch.ArchiveFetcher;
import io.kindling.datasets.fetch.ArchiveSpec;
import io.kindling.datasets.fetch.Mirror;
import io.kindling.datasets.fetch.UriMirror;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;

/**
 * Fetches CIFAR-10's binary version. Its authors publish one archive and its MD5 (not a hash per
 * file), so the archive is checked against that MD5 and every extracted file against its exact
 * size (10 000 records of 3073 bytes); the files' SHA-256s are then recorded for later checks.
 */
public final class CifarFetch {
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

    private CifarFetch() {
    }

    public static void into(String dir, List<String> userMirrors, Configuration conf, Consumer<String> log) {
        into(dir, ARCHIVE, userMirrors, conf, log);
    }

    /** With another archive description: tests fetch archives they build. */
    public static void into(String dir, ArchiveSpec archive, List<String> userMirrors, Configuration conf,
                            Consumer<String> log) {
        List<Mirror> mirrors = new ArrayList<>();
        for (String uri : userMirrors) {
            mirrors.add(new UriMirror(uri, conf));
        }
        for (String uri : MIRRORS) {
            mirrors.add(new UriMirror(uri, conf));
        }
        new ArchiveFetcher(conf, log).fetch(dir, archive, mirrors);
    }

    /** True when the six record files are in {@code dir}. */
    public static boolean present(String dir, Configuration conf) {
        try {
            org.apache.hadoop.fs.Path base = new org.apache.hadoop.fs.Path(dir);
            org.apache.hadoop.fs.FileSystem fs = base.getFileSystem(conf);
            for (String file : ARCHIVE.members().keySet()) {
                if (!file.equals(CifarSource.META) && !fs.exists(new org.apache.hadoop.fs.Path(base, file))) {
                    return false;
                }
            }
            return true;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(dir + ": cannot list: " + e.getMessage(), e);
        }
    }
}
