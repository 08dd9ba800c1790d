package io.kindling.datasets;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SerializableWritable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/** Turns a source into an RDD whose tasks each read their own shard; the driver ships only shard bounds. */
public final class ExampleRdd {
    private ExampleRdd() {
    }

    public static JavaRDD<Example> load(JavaSparkContext sc, ExampleSource source, int partitions) {
        Broadcast<SerializableWritable<Configuration>> conf =
                sc.broadcast(new SerializableWritable<>(sc.hadoopConfiguration()));
        return sc.parallelize(Shard.split(source.size(), partitions), partitions)
                .flatMap(shard -> source.read(shard, conf.value().value()))
                .setName(source.name());
    }
}
