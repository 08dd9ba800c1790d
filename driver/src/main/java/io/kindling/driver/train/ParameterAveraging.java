package io.kindling.driver.train;

import io.kindling.datasets.EpochShuffle;
import io.kindling.datasets.Example;
import io.kindling.datasets.Shard;
import io.kindling.worker.EvalStats;
import io.kindling.worker.LocalEvaluation;
import io.kindling.worker.LocalRound;
import io.kindling.worker.RoundResult;
import io.kindling.worker.RoundState;
import io.kindling.worker.WorkerConfig;
import java.util.Collections;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * Synchronous parameter averaging on RDD primitives. Each epoch the examples are reshuffled into one
 * slice per worker; each round broadcasts the model, every worker fits its next k minibatches on a
 * local copy (mapPartitions), and a pairwise tree merges the example-weighted means of parameters
 * and updater state. The iteration count advances by the most steps any worker took.
 */
public final class ParameterAveraging implements AutoCloseable {
    private final JavaSparkContext sc;
    private final WorkerConfig config;
    private final Broadcast<WorkerConfig> configBroadcast;
    private final int workers;

    public ParameterAveraging(JavaSparkContext sc, WorkerConfig config, int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("--workers must be >= 1, got " + workers);
        }
        this.sc = sc;
        this.config = config;
        this.configBroadcast = sc.broadcast(config);
        this.workers = workers;
    }

    public int workers() {
        return workers;
    }

    /** Averaging rounds an epoch of {@code n} examples takes. */
    public int roundsPerEpoch(int n) {
        int maxBatches = 0;
        for (Shard slice : Shard.split(n, workers)) {
            maxBatches = Math.max(maxBatches, LocalRound.minibatches(slice.count(), config.batchSize()));
        }
        return (maxBatches + config.averagingFrequency() - 1) / config.averagingFrequency();
    }

    /**
     * Trains one epoch on {@code examples} (indices 0..n-1), updating {@code model} in place.
     * {@code maxRounds} > 0 stops the epoch early (a dry run).
     */
    public EpochStats trainEpoch(ModelState model, JavaRDD<Example> examples, int n, int epoch, double lr,
                                 int maxRounds, RoundListener listener) {
        long start = System.nanoTime();
        JavaRDD<Example[]> slices = EpochShuffle.slices(examples, n, workers, config.seed(), epoch)
                .setName("epoch " + epoch + " slices")
                .persist(StorageLevel.MEMORY_AND_DISK());
        int rounds = roundsPerEpoch(n);
        if (maxRounds > 0) {
            rounds = Math.min(rounds, maxRounds);
        }
        Broadcast<WorkerConfig> cfg = configBroadcast;
        long examplesDone = 0;
        long minibatches = 0;
        double lossSum = 0;
        double computeSeconds = 0;
        try {
            for (int r = 0; r < rounds; r++) {
                long roundStart = System.nanoTime();
                sc.setJobDescription(String.format("epoch %d, round %d/%d", epoch, r + 1, rounds));
                Broadcast<RoundState> state = sc.broadcast(new RoundState(epoch, r, model.iteration(), lr,
                        model.params(), model.updaterState()));
                JavaRDD<RoundResult> partials = slices.mapPartitionsWithIndex((w, it) -> Collections.singletonList(
                        LocalRound.run(cfg.value(), state.value(), it.next(), w)).iterator(), true);
                RoundResult result = PairwiseTree.reduce(partials, RoundResult::merge);
                state.destroy();
                model.update(result.params(), result.updaterState(), model.iteration() + result.maxSteps());
                examplesDone += result.examples();
                minibatches += result.minibatches();
                lossSum += result.lossSum();
                computeSeconds += result.maxComputeNanos() / 1e9;
                listener.onRound(epoch, r, rounds, result, (System.nanoTime() - roundStart) / 1e9);
            }
        } finally {
            slices.unpersist(false);
            sc.setJobDescription(null);
        }
        return new EpochStats(examplesDone, minibatches, rounds, examplesDone == 0 ? Double.NaN : lossSum / examplesDone,
                (System.nanoTime() - start) / 1e9, computeSeconds);
    }

    /** Loss and accuracy of {@code params} on {@code test}, each partition evaluated where it lives. */
    public EvalStats evaluate(float[] params, JavaRDD<Example> test, int batchSize, String description) {
        sc.setJobDescription(description);
        Broadcast<float[]> broadcastParams = sc.broadcast(params);
        Broadcast<WorkerConfig> cfg = configBroadcast;
        try {
            JavaRDD<EvalStats> partials = test.mapPartitions(it -> Collections.singletonList(
                    LocalEvaluation.run(cfg.value(), broadcastParams.value(), it, batchSize)).iterator());
            return PairwiseTree.reduce(partials, EvalStats::plus);
        } finally {
            broadcastParams.destroy();
            sc.setJobDescription(null);
        }
    }

    @Override
    public void close() {
        configBroadcast.destroy();
    }
}
