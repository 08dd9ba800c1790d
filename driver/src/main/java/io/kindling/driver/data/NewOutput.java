package io.kindling.driver.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A directory a command writes whole or not at all: written beside its place under a partial name,
 * then renamed into place; a failure leaves nothing behind. The place must not exist yet.
 */
public final class NewOutput {
    private NewOutput() {
    }

    /** Runs {@code writer} on the partial directory and renames it to {@code output}. */
    public static void write(String output, Configuration conf, Consumer<Path> writer) {
        try {
            Path target = new Path(output);
            FileSystem fs = target.getFileSystem(conf);
            if (fs.exists(target)) {
                throw new IllegalArgumentException("--output " + output + ": already exists, expected a new location");
            }
            Path parent = target.getParent();
            if (parent != null && !fs.exists(parent)) {
                fs.mkdirs(parent);
            }
            // Not hidden: Spark skips paths starting with "." or "_" when it reads the result back.
            Path partial = new Path(parent, target.getName() + ".partial-" + System.nanoTime());
            try {
                writer.accept(partial);
                if (!fs.rename(partial, target)) {
                    throw new IOException("cannot rename " + partial + " to " + target);
                }
            } finally {
                fs.delete(partial, true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("--output " + output + ": " + e.getMessage(), e);
        }
    }
}
