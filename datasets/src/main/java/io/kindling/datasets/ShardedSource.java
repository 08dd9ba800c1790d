package io.kindling.datasets;

import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SerializableWritable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A source of fixed-size records: the driver ships only shard bounds (first record, count); each task
 * opens the files itself and reads its shard.
 */
public abstract class ShardedSource implements ExampleSource {
    private static final long serialVersionUID = 1L;

    /** Records in the source. */
    public abstract int size();

    /** Reads one shard's records, in order. Runs on an executor. */
    public abstract Iterator<Example> read(Shard shard, Configuration conf, BadRecords bad);

    @Override
    public JavaRDD<Example> rdd(JavaSparkContext sc, int partitions, BadRecords bad) {
        Broadcast<SerializableWritable<Configuration>> conf =
                sc.broadcast(new SerializableWritable<>(sc.hadoopConfiguration()));
        int parts = Math.max(1, Math.min(partitions, size()));
        return sc.parallelize(Shard.split(size(), parts), parts)
                .flatMap(shard -> read(shard, conf.value().value(), bad));
    }
}
