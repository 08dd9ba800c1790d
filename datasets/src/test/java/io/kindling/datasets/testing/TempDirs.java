package io.kindling.datasets.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

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

    /** Deletes a directory and its contents; what cannot be deleted is left (best effort, for cleanup). */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // cleanup only: a file that vanished meanwhile is fine
        }
    }
}
