package io.kindling.driver.train;

import io.kindling.datasets.Example;
import io.kindling.worker.EvalReport;
import io.kindling.worker.EvalStats;
import io.kindling.worker.LocalEvaluation;
import io.kindling.worker.WorkerConfig;
import java.util.Collections;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A model evaluated where the examples live: the parameters are broadcast, every partition is
 * evaluated in inference mode, and the per-partition totals are reduced by a pairwise tree, so the
 * sums do not depend on the order in which tasks finish.
 */
public final class Evaluation {
    private final JavaSparkContext sc;
    private final Broadcast<WorkerConfig> config;

    public Evaluation(JavaSparkContext sc, Broadcast<WorkerConfig> config) {
        this.sc = sc;
        this.config = config;
    }

    /** Whether the model predicts numbers (no accuracy to report). */
    public boolean regression() {
        return config.value().data().isRegression();
    }

    /** Loss and accuracy of {@code params} on {@code test}. */
    public EvalStats evaluate(float[] params, JavaRDD<Example> test, int batchSize, String description) {
        return report(params, test, batchSize, description, false).stats();
    }

    /** As {@link #evaluate}, with the confusion matrix of a classification when asked. */
    public EvalReport report(float[] params, JavaRDD<Example> test, int batchSize, String description,
                             boolean withConfusion) {
        sc.setJobDescription(description);
        Broadcast<float[]> broadcastParams = sc.broadcast(params);
        Broadcast<WorkerConfig> cfg = config;
        try {
            JavaRDD<EvalReport> partials = test.mapPartitions(it -> Collections.singletonList(
                    LocalEvaluation.report(cfg.value(), broadcastParams.value(), it, batchSize, withConfusion))
                    .iterator());
            return PairwiseTree.reduce(partials.collect(), EvalReport::plus); // a few numbers per partition
        } finally {
            broadcastParams.destroy();
            sc.setJobDescription(null);
        }
    }
}
