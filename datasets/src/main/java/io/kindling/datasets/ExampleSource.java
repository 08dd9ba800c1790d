package io.kindling.datasets;

import java.io.Serializable;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;

/**
 * A dataset split that executors read in shards. The driver only looks at metadata (headers, sizes);
 * the records themselves are read by {@link #read} inside tasks.
 */
public interface ExampleSource extends Serializable {

    /** A short name for logs and errors, e.g. {@code mnist/train}. */
    String name();

    /** Number of examples this source yields (after any limit). */
    int size();

    /** Number of classes; labels are in [0, numClasses). */
    int numClasses();

    /** Shape of one example as channels, height, width. */
    int[] shape();

    /** Reads the records of one shard, in order. Runs on an executor. */
    Iterator<Example> read(Shard shard, Configuration hadoopConf);
}
