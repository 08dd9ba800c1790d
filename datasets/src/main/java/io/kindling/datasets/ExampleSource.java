package io.kindling.datasets;

import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A dataset split that executors read. The driver looks only at metadata (headers, file lists,
 * sizes); the records themselves are read inside tasks. The RDD's partitions must hold the same
 * records in the same order every time they are computed, since indices are assigned from them.
 */
public interface ExampleSource extends Serializable {

    /** A short name for logs and errors, e.g. {@code mnist/train}. */
    String name();

    /** The shape of an example and the class names. */
    DatasetInfo info();

    /** The examples, in a stable order; their indices are assigned afterwards ({@link IndexedData}). */
    JavaRDD<Example> rdd(JavaSparkContext sc, int partitions, BadRecords bad);

    /** Roughly how many bytes the source reads, to size its partitions; -1 when unknown. */
    default long bytes() {
        return -1;
    }
}
