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
import io.kindling.worker.SpareArrays;
import io.kindling.worker.WorkerConfig;
import io.kindling.worker.InProcessExchange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Synchronous parameter averaging on RDD primitives. Each epoch the examples are reshuffled into one
 * chunk per worker and round ({@link EpochShuffle}); each round broadcasts the model, every worker fits
 * its chunk's minibatches on a local copy (mapPartitions over that round's chunks only), and a pairwise
 * tree merges the example-weighted means of parameters and updater state. The iteration count
 * advances by the most steps any worker took. Under a local master the tasks run in the driver's
 * JVM, and the round hands the state and results over in memory instead, merged by the same tree
 * on the driver: the same bits without serializing the model twice per round. There each round's
 * job is submitted while the round before still runs, its tasks waiting for the state.
 */
public final class ParameterAveraging implements AutoCloseable {
    /** Spark setting: false makes local masters broadcast and collect as clusters do. */
    public static final String IN_PROCESS_ROUNDS = "spark.kindling.inProcessRounds";

    private final JavaSparkContext sc;
    private final WorkerConfig config;
    private final Broadcast<WorkerConfig> configBroadcast;
    private final int workers;
    private final boolean inProcess;
    private final String runId = UUID.randomUUID().toString();

    public ParameterAveraging(JavaSparkContext sc, WorkerConfig config, int workers) {
        this(sc, config, workers, inProcessRounds(sc));
    }

    ParameterAveraging(JavaSparkContext sc, WorkerConfig config, int workers, boolean inProcess) {
        if (workers < 1) {
            throw new IllegalArgumentException("--workers must be >= 1, got " + workers);
        }
        this.sc = sc;
        this.config = config;
        this.configBroadcast = sc.broadcast(config);
        this.workers = workers;
        this.inProcess = inProcess;
    }

    /**
     * Whether rounds hand the model over in memory: under a local master, unless turned off, unless
     * tasks load their own copy of Kindling's classes (spark.executor.userClassPathFirst), and unless
     * the FAIR scheduler could start a round's waiting tasks ahead of the round before.
     */
    static boolean inProcessRounds(JavaSparkContext sc) {
        SparkConf conf = sc.getConf();
        return sc.isLocal() && conf.getBoolean(IN_PROCESS_ROUNDS, true)
                && !conf.getBoolean("spark.executor.userClassPathFirst", false)
                && "FIFO".equalsIgnoreCase(conf.get("spark.scheduler.mode", "FIFO"));
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
        sc.setJobDescription(String.format("epoch %d, shuffle", epoch));
        shuffle.prepare();
        double shuffleSeconds = (System.nanoTime() - start) / 1e9;
        long examplesDone = 0;
        long minibatches = 0;
        double lossSum = 0;
        double computeSeconds = 0;
        RoundSplit split = new RoundSplit(0, 0, 0, 0);
        PendingRound next = inProcess && rounds > 0 ? submit(shuffle, epoch, 0, rounds) : null;
        try {
            for (int r = 0; r < rounds; r++) {
                long roundStart = System.nanoTime();
                sc.setJobDescription(String.format("epoch %d, round %d/%d", epoch, r + 1, rounds));
                RoundState state = new RoundState(epoch, r, model.iteration(), lr, model.params(),
                        model.updaterState());
                Round round;
                if (inProcess) {
                    PendingRound current = next;
                    InProcessExchange.put(current.key(), state);
                    long published = System.nanoTime();
                    next = r + 1 < rounds ? submit(shuffle, epoch, r + 1, rounds) : null;
                    round = new Round(finish(current), published);
                } else {
                    round = broadcast(shuffle.round(r), state);
                }
                RoundResult result = round.result();
                long published = round.published();
                long reduced = System.nanoTime();
                model.update(result.params(), result.updaterState(), model.iteration() + result.maxSteps());
                if (inProcess && r > 0) {
                    // The previous round's merged arrays: only that round's state referred to them. The
                    // epoch's starting arrays (r = 0) may be held by the caller and are left alone.
                    SpareArrays.giveBack(state.params());
                    SpareArrays.giveBack(state.updaterState());
                }
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
            if (next != null) {
                next.job().cancel(true);
                InProcessExchange.removeAll(next.key());
            }
            sc.setJobDescription(null);
        }
        return new EpochStats(examplesDone, minibatches, rounds, examplesDone == 0 ? Double.NaN : lossSum / examplesDone,
                (System.nanoTime() - start) / 1e9, computeSeconds, split, shuffleSeconds);
    }

    /** A round's merged result and when its state was published to the workers (System.nanoTime). */
    private record Round(RoundResult result, long published) {
    }

    /** Broadcasts the state; every worker's result comes back as a task result, merged by a pairwise tree. */
    private Round broadcast(JavaRDD<List<Example>> chunks, RoundState roundState) {
        Broadcast<WorkerConfig> cfg = configBroadcast;
        Broadcast<RoundState> state = sc.broadcast(roundState);
        long published = System.nanoTime();
        try {
            JavaRDD<RoundResult> partials = chunks.mapPartitionsWithIndex((w, it) -> {
                long fetchStart = System.nanoTime();
                WorkerConfig workerConfig = cfg.value();
                RoundState s = state.value();
                long fetchNanos = System.nanoTime() - fetchStart;
                return Collections.singletonList(LocalRound.run(workerConfig, s, it.next(), w)
                        .withFetchNanos(fetchNanos)).iterator();
            }, true);
            return new Round(PairwiseTree.reduce(partials, RoundResult::merge), published);
        } finally {
            state.destroy();
        }
    }

    /** A round's Spark job, submitted before its state exists: its tasks wait for the state under {@code key}. */
    private record PendingRound(String key, JavaFutureAction<Long> job, int partitions) {
    }

    /**
     * Submits round {@code r} under a local master, where the tasks run in this JVM and the state and
     * results are handed over in memory ({@link InProcessExchange}). The job goes in while the round
     * before is still running: Spark's job set-up, the task launches and reading the chunks (about
     * 30 ms a round) then overlap with that round instead of following it. With the FIFO scheduler a
     * job's tasks take free cores only after every task of the jobs before it has started, so the
     * waiting tasks never keep the round before from running.
     */
    private PendingRound submit(EpochShuffle shuffle, int epoch, int r, int rounds) {
        Broadcast<WorkerConfig> cfg = configBroadcast;
        String key = "kindling/" + runId + "/" + epoch + "/" + r;
        sc.setJobDescription(String.format("epoch %d, round %d/%d", epoch, r + 1, rounds));
        JavaRDD<List<Example>> chunks = shuffle.round(r);
        JavaFutureAction<Long> job = chunks.mapPartitionsWithIndex((w, it) -> {
            List<Example> chunk = it.next();
            TaskContext task = TaskContext.get();
            RoundState s = InProcessExchange.await(key, RoundState.class, task::isInterrupted);
            long fetchStart = System.nanoTime();
            WorkerConfig workerConfig = cfg.value();
            long fetchNanos = System.nanoTime() - fetchStart;
            InProcessExchange.put(key + "/" + w, LocalRound.run(workerConfig, s, chunk, w).withFetchNanos(fetchNanos));
            return Collections.emptyIterator();
        }, true).countAsync();
        return new PendingRound(key, job, chunks.getNumPartitions());
    }

    /** Waits for a submitted round and merges its workers' results with the same pairwise tree as clusters. */
    private RoundResult finish(PendingRound round) {
        try {
            round.job().get();
            List<RoundResult> partials = new ArrayList<>();
            for (int w = 0; w < round.partitions(); w++) {
                partials.add(InProcessExchange.take(round.key() + "/" + w, RoundResult.class));
            }
            RoundResult merged = PairwiseTree.reduce(partials, RoundResult::merge);
            for (RoundResult partial : partials) {
                if (partial.params() != merged.params()) { // merged into another worker's arrays
                    SpareArrays.giveBack(partial.params());
                    SpareArrays.giveBack(partial.updaterState());
                }
            }
            return merged;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an averaging round", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException(String.valueOf(cause.getMessage()), cause);
        } finally {
            InProcessExchange.removeAll(round.key());
        }
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
        SpareArrays.clear();
    }
}
