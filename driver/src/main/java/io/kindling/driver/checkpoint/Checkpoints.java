package io.kindling.driver.checkpoint;

import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** Finds the checkpoint a command names: an {@code epoch-NNNN} directory, or the newest valid one in a directory of them. */
public final class Checkpoints {
    private static final Pattern EPOCH_DIR = Pattern.compile("epoch-\\d+");

    private Checkpoints() {
    }

    public record Resolved(CheckpointStore store, CheckpointStore.Stored checkpoint) {
    }

    public static Resolved resolve(String uri, Configuration conf, java.util.function.Consumer<String> report) {
        Path path = new Path(uri);
        if (EPOCH_DIR.matcher(path.getName()).matches()) {
            CheckpointStore.Stored stored = CheckpointStore.inspect(uri, conf);
            if (!stored.valid()) {
                throw new IllegalArgumentException("--checkpoint " + uri + ": not a valid checkpoint (" + stored.problem() + ")");
            }
            return new Resolved(new CheckpointStore(path.getParent().toString(), conf), stored);
        }
        CheckpointStore store = new CheckpointStore(uri, conf);
        CheckpointStore.Stored newest = store.newestValid(report).orElseThrow(() ->
                new IllegalArgumentException("--checkpoint " + uri + ": no valid checkpoint there"));
        return new Resolved(store, newest);
    }
}
