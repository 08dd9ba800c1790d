package io.kindling.driver.train;

import io.kindling.datasets.EpochPlan;
import io.kindling.datasets.EpochShuffle;
import io.kindling.datasets.Example;
import io.kindling.worker.EvalReport;
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

/**
 * Synchronous parameter averaging on RDD primitives. Each epoch the examples are reshuffled into one
 * chunk per worker and round ({@link EpochShuffle}); each round broadcasts the model, every worker fits
 * its chunk's minibatches on a local copy (mapPartitions over that round's chunks only), and a pairwise
 * tree merges the example-weighted means of parameters and updater state. The iteration count
 * advances by the most steps any worker took.
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

    /** Whether the job predicts numbers (no accuracy to report). */
    public boolean regression() {
        return config.data().isRegression();
    }

    /** How an epoch of {@code n} examples is dealt out to the workers. */
    public EpochPlan plan(long n, boolean dropLast) {
        return new EpochPlan(n, workers, config.batchSize(), config.averagingFrequency(), dropLast);
    }

    /** Averaging rounds an epoch of {@code n} examples takes. */
    public int roundsPerEpoch(long n) {
        return plan(n, false).rounds();
    }

    /**
     * Trains one epoch on {@code examples} (indices 0..n-1), updating {@code model} in place.
     * {@code maxRounds} > 0 stops the epoch early (a dry run).
     */
    public EpochStats trainEpoch(ModelState model, JavaRDD<Example> examples, long n, int epoch, double lr,
                                 boolean dropLast, int maxRounds, RoundListener listener) {
        long start = System.nanoTime();
        EpochShuffle shuffle = EpochShuffle.of(examples, n, plan(n, dropLast), config.seed(), epoch);
        int rounds = shuffle.plan().rounds();
        if (maxRounds > 0) {
            rounds = Math.min(rounds, maxRounds);
        }
        Broadcast<WorkerConfig> cfg = configBroadcast;
        long examplesDone = 0;
        long minibatches = 0;
        double lossSum = 0;
        double computeSeconds = 0;
        RoundSplit split = new RoundSplit(0, 0, 0, 0);
        try {
            for (int r = 0; r < rounds; r++) {
                long roundStart = System.nanoTime();
                sc.setJobDescription(String.format("epoch %d, round %d/%d", epoch, r + 1, rounds));
                Broadcast<RoundState> state = sc.broadcast(new RoundState(epoch, r, model.iteration(), lr,
                        model.params(), model.updaterState()));
                long published = System.nanoTime();
                JavaRDD<RoundResult> partials = shuffle.round(r).mapPartitionsWithIndex((w, it) -> {
                    long fetchStart = System.nanoTime();
                    WorkerConfig workerConfig = cfg.value();
                    RoundState roundState = state.value();
                    long fetchNanos = System.nanoTime() - fetchStart;
                    return Collections.singletonList(LocalRound.run(workerConfig, roundState, it.next(), w)
                            .withFetchNanos(fetchNanos)).iterator();
                }, true);
                RoundResult result = PairwiseTree.reduce(partials, RoundResult::merge);
                long reduced = System.nanoTime();
                state.destroy();
                model.update(result.params(), result.updaterState(), model.iteration() + result.maxSteps());
                long averaged = System.nanoTime();
                double fetch = result.maxFetchNanos() / 1e9;
                double compute = result.maxComputeNanos() / 1e9;
                split = split.plus((published - roundStart) / 1e9 + fetch, compute,
                        Math.max(0, (reduced - published) / 1e9 - fetch - compute), (averaged - reduced) / 1e9);
                examplesDone += result.examples();
                minibatches += result.minibatches();
                lossSum += result.lossSum();
                computeSeconds += compute;
                listener.onRound(epoch, r, rounds, result, (System.nanoTime() - roundStart) / 1e9);
            }
        } finally {
            sc.setJobDescription(null);
        }
        return new EpochStats(examplesDone, minibatches, rounds, examplesDone == 0 ? Double.NaN : lossSum / examplesDone,
                (System.nanoTime() - start) / 1e9, computeSeconds, split);
    }

    /** Loss and accuracy of {@code params} on {@code test}, each partition evaluated where it lives. */
    public EvalStats evaluate(float[] params, JavaRDD<Example> test, int batchSize, String description) {
        return report(params, test, batchSize, description, false).stats();
    }

    /** As {@link #evaluate}, with the confusion matrix of a classification when asked. */
    public EvalReport report(float[] params, JavaRDD<Example> test, int batchSize, String description,
                             boolean withConfusion) {
        sc.setJobDescription(description);
        Broadcast<float[]> broadcastParams = sc.broadcast(params);
        Broadcast<WorkerConfig> cfg = configBroadcast;
        try {
            JavaRDD<EvalReport> partials = test.mapPartitions(it -> Collections.singletonList(
                    LocalEvaluation.report(cfg.value(), broadcastParams.value(), it, batchSize, withConfusion))
                    .iterator());
            return PairwiseTree.reduce(partials, EvalReport::plus);
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
