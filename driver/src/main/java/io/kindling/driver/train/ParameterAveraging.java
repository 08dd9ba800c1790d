package io.kindling.driver.train;

import io.kindling.datasets.EpochPlan;
import io.kindling.datasets.EpochShuffle;
import io.kindling.datasets.Example;
import io.kindling.driver.job.EpochStats;
import io.kindling.driver.job.JobOptions;
import io.kindling.driver.job.RoundSplit;
import io.kindling.worker.ModelState;
import io.kindling.worker.SegmentPlan;
import io.kindling.worker.SegmentResult;
import io.kindling.worker.SegmentTask;
import io.kindling.worker.WorkerConfig;
import io.kindling.worker.exchange.PeerTransport;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag$;

/**
 * Synchronous parameter averaging, the engine of a training job. Each epoch the examples are
 * reshuffled into one chunk per worker and round ({@link EpochShuffle}); the epoch's rounds are
 * trained in segments, each one Spark barrier stage whose tasks live for all of its rounds
 * ({@link SegmentTask}): they keep their network and optimiser state, fit k minibatches per worker,
 * and average the workers' models among themselves every round, pushing slices to each other over
 * Spark's network transport ({@link io.kindling.worker.exchange.AllReduce}). The driver only counts
 * the rounds' reports ({@link RoundCoordinator}) and sees the model at the segments' ends. A segment lasts about {@code segmentSeconds}: that is what an executor lost
 * mid-epoch costs, since a failed segment is trained again from its start, with the same seeds, so
 * the result is the one an undisturbed run gives. Under a local master the same code runs, the tasks
 * pushing to each other over loopback.
 */
public final class ParameterAveraging implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ParameterAveraging.class);

    private final JavaSparkContext sc;
    private final WorkerConfig config;
    private final Broadcast<WorkerConfig> configBroadcast;
    private final int workers;
    private final Settings settings;
    private final RoundCoordinator coordinator;
    private final ExecutorLosses losses = new ExecutorLosses();
    private final String blocks = "kindling-" + UUID.randomUUID();
    private long nextSegment;

    /**
     * How rounds are grouped and what they average.
     *
     * @param segmentSeconds       target length of a segment (0: one round per segment)
     * @param averageUpdaterState  average the optimiser state every round with the parameters; if
     *                             not, each worker keeps its own through the epoch (one segment) and
     *                             the states are averaged at its end
     */
    public record Settings(double segmentSeconds, boolean averageUpdaterState) {
        public static final Settings DEFAULT = new Settings(JobOptions.SEGMENT_SECONDS.defaultValue(),
                JobOptions.OPTIMIZER_STATE.defaultValue().equals("averaged"));
    }

    public ParameterAveraging(JavaSparkContext sc, WorkerConfig config, int workers) {
        this(sc, config, workers, Settings.DEFAULT);
    }

    public ParameterAveraging(JavaSparkContext sc, WorkerConfig config, int workers, Settings settings) {
        if (workers < 1) {
            throw new IllegalArgumentException("--workers must be >= 1, got " + workers);
        }
        SparkConf conf = sc.getConf();
        if (!sc.isLocal() && conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
            throw new IllegalArgumentException("spark.dynamicAllocation.enabled=true: Kindling trains in Spark barrier"
                    + " stages, which Spark does not run under dynamic allocation; set it to false for this job");
        }
        this.sc = sc;
        this.config = config;
        this.configBroadcast = sc.broadcast(config);
        this.workers = workers;
        this.settings = settings;
        this.coordinator = new RoundCoordinator();
        sc.sc().addSparkListener(losses);
    }

    public int workers() {
        return workers;
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
     * Trains one epoch on {@code examples} (indices 0..n-1), updating {@code model}.
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
        sc.setJobDescription(String.format(Locale.ROOT, "epoch %d, shuffle", epoch));
        try {
            shuffle.prepare();
            Epoch progress = new Epoch(epoch, rounds, (System.nanoTime() - start) / 1e9);
            for (int first = 0; first < rounds; ) {
                first += trainSegment(model, shuffle, progress, first, rounds - first, lr, listener);
            }
            return progress.stats((System.nanoTime() - start) / 1e9);
        } finally {
            sc.setJobDescription(null);
        }
    }

    /**
     * Trains rounds from {@code first} on, up to {@code count} of them, in one barrier stage and
     * updates {@code model}; returns how many rounds it trained. Task 0 ends the segment
     * after about segmentSeconds (with local updater states, only at the epoch's end). A failed stage
     * that lost an executor is trained again from the same model, up to Spark's
     * {@code spark.stage.maxConsecutiveAttempts} times; any other failure ends the job.
     */
    private int trainSegment(ModelState model, EpochShuffle shuffle, Epoch progress, int first, int count, double lr,
                              RoundListener listener) {
        int attempts = sc.getConf().getInt("spark.stage.maxConsecutiveAttempts", 4);
        for (int attempt = 1; ; attempt++) {
            int tasks = Math.min(workers, taskSlots());
            SegmentPlan plan = new SegmentPlan(coordinator.name(), blocks, nextSegment++, progress.epoch, first, count,
                    tasks, workers, lr, settings.averageUpdaterState(), settings.averageUpdaterState()
                    ? settings.segmentSeconds() : Double.POSITIVE_INFINITY);
            Epoch before = progress.copy();
            int lostBefore = losses.count.get();
            RoundCoordinator.Attempt watch = coordinator.open(plan);
            Broadcast<ModelState> start = sc.broadcast(model);
            long submitted = System.nanoTime();
            try {
                sc.setJobDescription(String.format(Locale.ROOT, "epoch %d, rounds from %d of %d", progress.epoch,
                        first + 1, progress.rounds));
                List<SegmentResult> results = follow(job(shuffle, plan, start), watch, progress, listener);
                model.update(results.stream().map(SegmentResult::model).filter(Objects::nonNull).findFirst()
                        .orElseThrow(() -> new IllegalStateException("no task returned the averaged model")));
                progress.segmentDone(submitted, System.nanoTime(), attempt > 1);
                for (SegmentResult r : results) {
                    if (r.trained() != null) {
                        listener.onTrained(progress.epoch, r.trained());
                    }
                }
                return watch.averaged;
            } catch (RuntimeException failure) {
                coordinator.close(watch, "its job failed");
                progress.restore(before);
                if (attempt >= attempts || !lostExecutor(lostBefore, failure)) {
                    throw failure;
                }
                String reason = firstLine(failure);
                int end = first + watch.averaged;
                LOG.warn("epoch {}, rounds {}-{}: an executor was lost ({}); training them again from round {}"
                        + " (attempt {} of {})", progress.epoch, first + 1, end, reason, first + 1, attempt + 1,
                        attempts);
                listener.onRetry(progress.epoch, first, end, reason, attempt + 1, attempts);
            } finally {
                coordinator.close(watch, "the segment is over");
                start.destroy();
            }
        }
    }

    /** The segment's barrier stage, submitted. */
    private JavaFutureAction<List<SegmentResult>> job(EpochShuffle shuffle, SegmentPlan plan,
                                                      Broadcast<ModelState> start) {
        JavaRDD<List<List<Example>>> chunks = shuffle.segment(plan.firstRound(), plan.rounds(), plan.tasks());
        return JavaRDD.fromRDD(chunks.rdd().barrier().mapPartitions(new SegmentTask(configBroadcast, start, plan),
                false, ClassTag$.MODULE$.apply(SegmentResult.class)), ClassTag$.MODULE$.apply(SegmentResult.class))
                .collectAsync();
    }

    /** Waits for the job, passing each averaged round to the listener as it comes. */
    private List<SegmentResult> follow(JavaFutureAction<List<SegmentResult>> job, RoundCoordinator.Attempt watch,
                                       Epoch progress, RoundListener listener) {
        try {
            while (true) {
                RoundCoordinator.Round round = watch.rounds.poll(20, TimeUnit.MILLISECONDS);
                if (round != null) {
                    progress.round(watch, round, listener);
                } else if (job.isDone()) {
                    List<SegmentResult> results = job.get();
                    for (RoundCoordinator.Round r; (r = watch.rounds.poll()) != null; ) {
                        progress.round(watch, r, listener);
                    }
                    return results;
                }
            }
        } catch (InterruptedException e) {
            job.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while training", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException(String.valueOf(cause.getMessage()), cause);
        } finally {
            if (!job.isDone()) { // a listener failed: the segment's tasks must not wait on
                job.cancel(true);
            }
        }
    }

    /**
     * The task slots of the executors now, waiting for some when there are none (executors still
     * registering, or all lost). A segment's barrier stage needs all its tasks running at once; with
     * fewer slots than workers, tasks host several workers each.
     */
    private int taskSlots() {
        SparkContext context = sc.sc();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            int slots = context.maxNumConcurrentTasks(context.resourceProfileManager().defaultResourceProfile());
            if (slots > 0) {
                return slots;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no executor has registered a task slot in 120 s");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for executors", e);
            }
        }
    }

    /**
     * Whether the failure came with an executor lost (or its shuffle output, or a push to a peer),
     * rather than from the job itself, which would fail the same way again.
     */
    private boolean lostExecutor(int lostBefore, RuntimeException failure) {
        try {
            sc.sc().listenerBus().waitUntilEmpty(10_000); // the removal is posted before the job fails
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warn("Spark's listener bus did not drain in 10 s");
        }
        String message = String.valueOf(failure.getMessage());
        return losses.count.get() > lostBefore || message.contains("ExecutorLostFailure")
                || message.contains("FetchFailed") || message.contains(PeerTransport.SEND_FAILED)
                || message.contains(PeerTransport.RECEIVE_FAILED);
    }

    /** The cause of a failed barrier stage in one line: Spark puts it after a line naming the task. */
    private static String firstLine(Throwable failure) {
        String message = String.valueOf(failure.getMessage());
        int reason = message.indexOf("Most recent failure reason:");
        String text = reason >= 0 ? message.substring(reason + "Most recent failure reason:".length()) : message;
        return text.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("Stage failed because barrier task"))
                .findFirst().orElse(text.strip());
    }

    /** Counts executors removed from the application. */
    private static final class ExecutorLosses extends SparkListener {
        final AtomicInteger count = new AtomicInteger();

        @Override
        public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
            count.incrementAndGet();
        }
    }

    /** An epoch's totals so far, and the clock of its rounds; copied before a segment to undo a failed one. */
    private static final class Epoch {
        final int epoch;
        final int rounds;
        final double shuffleSeconds;
        long examples;
        long minibatches;
        double lossSum;
        int roundsDone;
        int segments;
        int retries;
        RoundSplit split = new RoundSplit(0, 0, 0);
        double roundWalls; // this segment's rounds so far

        Epoch(int epoch, int rounds, double shuffleSeconds) {
            this.epoch = epoch;
            this.rounds = rounds;
            this.shuffleSeconds = shuffleSeconds;
        }

        Epoch copy() {
            Epoch c = new Epoch(epoch, rounds, shuffleSeconds);
            c.restore(this);
            return c;
        }

        void restore(Epoch saved) {
            examples = saved.examples;
            minibatches = saved.minibatches;
            lossSum = saved.lossSum;
            roundsDone = saved.roundsDone;
            segments = saved.segments;
            retries = saved.retries;
            split = saved.split;
            roundWalls = 0;
        }

        /** Takes in an averaged round; the end-of-segment average of updater states counts as exchange. */
        void round(RoundCoordinator.Attempt watch, RoundCoordinator.Round r, RoundListener listener) {
            double wall = r.roundNanos() / 1e9;
            roundWalls += wall;
            if (r.round() >= watch.plan.firstRound() + watch.plan.rounds()) {
                split = split.plus(0, wall, 0);
                return;
            }
            double compute = r.maxComputeNanos() / 1e9;
            split = split.plus(compute, Math.max(0, wall - compute), 0);
            examples += r.examples();
            minibatches += r.minibatches();
            lossSum += r.lossSum();
            roundsDone++;
            listener.onRound(epoch, new RoundStats(r.round(), rounds, r.examples(), r.lossSum(), r.minibatches(),
                    examples, minibatches, compute, wall));
        }

        /** Accounts for what the segment spent outside its rounds. */
        void segmentDone(long submitted, long finished, boolean retried) {
            split = split.plus(0, 0, Math.max(0, (finished - submitted) / 1e9 - roundWalls));
            segments++;
            retries += retried ? 1 : 0;
            roundWalls = 0;
        }

        EpochStats stats(double seconds) {
            return new EpochStats(examples, minibatches, roundsDone, examples == 0 ? Double.NaN : lossSum / examples,
                    seconds, split.compute(), split, shuffleSeconds, segments, retries);
        }
    }

    /** Evaluation of the job's models, with the job's configuration. */
    public Evaluation evaluation() {
        return new Evaluation(sc, configBroadcast);
    }

    @Override
    public void close() {
        sc.sc().removeSparkListener(losses);
        coordinator.close();
        configBroadcast.destroy();
    }
}
