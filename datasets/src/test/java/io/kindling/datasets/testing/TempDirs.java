package io.kindling.datasets.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.fs.FileUtil;

/**
 * Temporary directories for resources that live as long as the test JVM (an HDFS, a Spark warehouse):
 * deleted with their contents when the JVM exits, so repeated test runs do not fill the disk.
 */
public final class TempDirs {
    private TempDirs() {
    }

    /** A new directory under java.io.tmpdir, removed with everything in it at JVM exit. */
    public static Path untilExit(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a directory and its contents, as far as it can (cleanup: what cannot go stays). */
    public static void delete(Path dir) {
        FileUtil.fullyDelete(dir.toFile());
    }
}
