package io.kindling.driver.train;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * How many native threads each training task may use, so that the tasks running at once on an
 * executor never ask for more threads than it has cores (oversubscribed OpenMP/BLAS pools are slower
 * than fewer threads). In local mode the driver JVM is the executor and has all local cores.
 */
public final class ThreadBudget {
    private ThreadBudget() {
    }

    public static int perTask(JavaSparkContext sc, int workers) {
        SparkConf conf = sc.getConf();
        int taskCpus = conf.getInt("spark.task.cpus", 1);
        int executorCores;
        int executors;
        if (sc.sc().isLocal()) {
            executorCores = sc.defaultParallelism();
            executors = 1;
        } else {
            executorCores = conf.getInt("spark.executor.cores", taskCpus);
            executors = Math.max(1, sc.sc().getExecutorIds().size());
        }
        int slots = Math.max(1, executorCores / taskCpus);
        int concurrent = Math.min(slots, (workers + executors - 1) / executors);
        return Math.max(taskCpus, executorCores / Math.max(1, concurrent));
    }
}
