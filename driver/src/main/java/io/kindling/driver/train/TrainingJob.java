package io.kindling.driver.train;

import io.kindling.datasets.DataSummary;
import io.kindling.datasets.Example;
import io.kindling.driver.checkpoint.CheckpointLock;
import io.kindling.driver.checkpoint.CheckpointStore;
import io.kindling.driver.checkpoint.ModelWriter;
import io.kindling.driver.checkpoint.TrainingState;
import io.kindling.driver.checkpoint.Versions;
import io.kindling.driver.data.Datasets;
import io.kindling.driver.job.DataSpec;
import io.kindling.driver.job.EpochResult;
import io.kindling.driver.job.EpochStats;
import io.kindling.driver.job.JobSpec;
import io.kindling.driver.job.Metric;
import io.kindling.driver.job.RoundSplit;
import io.kindling.driver.metrics.MetricsSink;
import io.kindling.driver.metrics.RunDirectory;
import io.kindling.driver.metrics.TrainPoint;
import io.kindling.driver.model.ModelBuilder;
import io.kindling.driver.model.ModelFactory;
import io.kindling.driver.model.PyTorchInit;
import io.kindling.driver.model.Shape;
import io.kindling.driver.schedule.LrSchedule;
import io.kindling.worker.EvalStats;
import io.kindling.worker.ModelState;
import io.kindling.worker.WorkerConfig;
import io.kindling.worker.optim.LearningRates;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole training job: data (fetched if missing), model (fresh or from a checkpoint), then per
 * epoch the averaged training rounds, a distributed evaluation, a checkpoint and the LR step; the
 * model is saved at the end if asked.
 */
public final class TrainingJob {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingJob.class);

    private final JobSpec spec;
    private final JavaSparkContext sc;
    private final PrintStream out;
    private CheckpointStore.Stored resumeFrom;
    private CheckpointStore.Stored lastCheckpoint;
    private TrainedNetwork trained;
    private boolean replacesInvalid;

    public TrainingJob(JobSpec spec, JavaSparkContext sc, PrintStream out) {
        this.spec = spec;
        this.sc = sc;
        this.out = out;
    }

    /**
     * The job {@code given} describes or, with {@code resume}, its continuation from the newest valid
     * checkpoint in its checkpoint directory (a fresh start when there is none): the checkpoint's spec
     * with the options in {@code explicit} (long names) applied as {@link ResumePolicy} allows.
     */
    public static TrainingJob of(JobSpec given, boolean resume, Set<String> explicit, JavaSparkContext sc,
                                 PrintStream out) {
        if (!resume) {
            return new TrainingJob(given, sc, out);
        }
        if (given.checkpointDir() == null) {
            throw new IllegalArgumentException("--resume needs --checkpoint-dir");
        }
        CheckpointStore store = new CheckpointStore(given.checkpointDir(), sc.hadoopConfiguration());
        Optional<CheckpointStore.Stored> newest = store.newestValid(out::println);
        if (newest.isEmpty()) {
            out.println("No valid checkpoint in " + given.checkpointDir() + ": starting at epoch 1");
            TrainingJob fresh = new TrainingJob(given, sc, out);
            fresh.replacesInvalid = true; // asked to resume: invalid checkpoints there are replaced, not in the way
            return fresh;
        }
        JobSpec merged = ResumePolicy.merge(store.readState(newest.get()), given, explicit, out::println);
        return new TrainingJob(merged, sc, out).resumingFrom(newest.get());
    }

    /** Continue from this checkpoint (in the spec's checkpoint directory) instead of starting afresh. */
    public TrainingJob resumingFrom(CheckpointStore.Stored checkpoint) {
        this.resumeFrom = checkpoint;
        return this;
    }

    /** Runs the job and returns the metrics of every epoch, those of a resumed checkpoint included. */
    public List<EpochResult> run() {
        long started = System.nanoTime();
        out.println(JobDescription.of(spec));
        Configuration hadoop = sc.hadoopConfiguration();
        CheckpointStore store = openCheckpoints(hadoop);
        if (spec.saveModel() != null) {
            ModelWriter.checkWritable(spec.saveModel(), hadoop);
        }
        try (CheckpointLock lock = store == null ? null : store.lock(out::println)) {
            return run(store, started, hadoop);
        }
    }

    private List<EpochResult> run(CheckpointStore store, long started, Configuration hadoop) {
        TrainingState resumed = resumeFrom == null ? null : store.readState(resumeFrom);
        int workers = spec.workers() > 0 ? spec.workers() : sc.defaultParallelism();
        try (MetricsSink metrics = spec.runDir() == null ? MetricsSink.NONE
                : RunDirectory.open(spec.runDir(), hadoop, spec.data().regression());
             JobData data = JobData.load(spec.data(), sc, workers, spec.seed(), out)) {
            if (resumed != null) {
                requireSameData(resumed.trainData(), data.trainSummary());
            }
            int[] shape = data.pipeline().outputShape(data.info());
            Shape input = data.info().isImage() ? Shape.image(shape[0], shape[1], shape[2]) : Shape.flat(shape[0]);
            int outputs = data.info().isRegression() ? 1 : data.info().numClasses();
            ModelBuilder.Built built = ModelFactory.build(spec, input, outputs, data.info().isRegression(), hadoop);
            out.println(built.summary());
            MultiLayerConfiguration conf = built.configuration();
            MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
            net.init();
            PyTorchInit.initBiases(net);
            if (resumed != null) {
                MultiLayerNetwork restored = store.readModel(resumeFrom, true);
                requireSameModel(net, restored);
                net = restored;
            }
            int threads = ThreadBudget.perTask(sc, workers);
            WorkerConfig workerConfig = new WorkerConfig(conf.toJson(), spec.batchSize(), spec.averagingFrequency(),
                    data.info(), data.pipeline(), spec.seed(), threads, false, spec.optimizer().clipGradNorm());
            LOG.info("{} workers, {} native threads per task, {} parameters, {} training examples", workers, threads,
                    net.numParams(), data.trainSize());
            List<EpochResult> history = train(store, resumed, net, ModelState.of(net), workerConfig, workers, data,
                    metrics);
            int first = resumed == null ? 1 : resumed.epoch() + 1;
            Metric rankBy = RunSummary.rankingMetric(spec.keepBest(), data.test() != null, data.info().isRegression());
            String newest = lastCheckpoint != null ? lastCheckpoint.dir().toString()
                    : resumeFrom != null ? resumeFrom.dir().toString() : null;
            RunSummary summary = new RunSummary(history, first, (System.nanoTime() - started) / 1e9, rankBy, newest,
                    spec.runDir(), spec.saveModel());
            summary.lines().forEach(out::println);
            return history;
        }
    }

    private List<EpochResult> train(CheckpointStore store, TrainingState resumed, MultiLayerNetwork net,
                                    ModelState model, WorkerConfig workerConfig, int workers, JobData data,
                                    MetricsSink metrics) {
        int first = resumed == null ? 1 : resumed.epoch() + 1;
        LrSchedule schedule = schedule(resumed, first);
        List<EpochResult> history = new ArrayList<>(resumed == null ? List.of() : resumed.history());
        TrainingState.Best best = resumed == null ? null : resumed.best();
        if (resumed != null) {
            out.printf(Locale.ROOT, "Resuming from %s/%s: %d epochs done, iteration %d%n",
                    store.uri(), resumeFrom.name(), resumed.epoch(), resumed.iteration());
            if (first > spec.epochs()) {
                out.printf("The checkpoint already has the %d epochs asked for; nothing to train.%n", spec.epochs());
            }
        }
        long trainSize = data.trainSize();
        ParameterAveraging.Settings settings = new ParameterAveraging.Settings(spec.segmentSeconds(),
                "averaged".equals(spec.optimizerState()));
        try (ParameterAveraging engine = new ParameterAveraging(sc, workerConfig, workers, settings)) {
            for (int epoch = first; epoch <= spec.epochs(); epoch++) {
                double lr = schedule.lr(epoch);
                long toTrain = engine.plan(trainSize, spec.data().dropLast()).examplesTrained();
                long stepsBefore = history.stream().mapToLong(r -> r.train().minibatches()).sum();
                EpochStats stats = engine.trainEpoch(model, data.train(), trainSize, epoch, lr,
                        spec.data().dropLast(), spec.dryRun() ? 1 : 0,
                        TrainingDiverged.watching(progress(toTrain, lr, stepsBefore, metrics)));
                Evaluation evaluation = engine.evaluation();
                EvalStats validation = evaluate(evaluation, model, data.validation(), "Validation", epoch);
                EvalStats test = evaluate(evaluation, model, data.test(), "Test", epoch);
                LOG.info(String.format(Locale.ROOT, "epoch %d: %d examples in %.1f s (%.1f examples/s), lr %.6g",
                        epoch, stats.examples(), stats.seconds(), stats.examples() / stats.seconds(), lr));
                RoundSplit split = stats.split();
                LOG.info(String.format(Locale.ROOT, "epoch %d: shuffle %.2f s; %d rounds in %d segment%s: compute"
                                + " %.2f s, exchange %.2f s, segment start and end %.2f s (non-compute %.1f%%)",
                        epoch, stats.shuffleSeconds(), stats.rounds(), stats.segments(),
                        stats.segments() == 1 ? "" : "s", split.compute(),
                        split.exchange(), split.segments(), 100 * stats.nonComputeShare()));
                EpochResult result = new EpochResult(epoch, lr, stats, validation, test, 0);
                history.add(result);
                best = better(best, result);
                schedule = schedule.afterEpoch(result);
                if (store != null) {
                    TrainingState state = new TrainingState(TrainingState.FORMAT, epoch, model.iteration(), workers,
                            spec, schedule, data.trainSummary(), data.testSummary(), data.info(),
                            data.pipeline().text(), List.copyOf(history), best, Versions.current(sc.version()));
                    double seconds = checkpoint(store, epoch, net, model, lr, state, stats.seconds());
                    result = result.withCheckpointSeconds(seconds);
                    history.set(history.size() - 1, result);
                }
                metrics.epoch(result, stepsBefore + stats.minibatches());
            }
        }
        LearningRates.set(net, history.isEmpty() ? spec.optimizer().lr() : history.get(history.size() - 1).lr());
        model.applyTo(net);
        trained = new TrainedNetwork(net, workerConfig.data(), workerConfig.transforms().text(), spec);
        if (spec.saveModel() != null) {
            ModelWriter.save(net, true, new ModelWriter.Metadata(workerConfig.data(), workerConfig.transforms().text(),
                    spec.data()),
                    spec.saveModel(), sc.hadoopConfiguration());
            out.println("Saved model to " + spec.saveModel());
        }
        return history;
    }

    /** The network as the job left it, with its data shape and transforms; null before {@link #run}. */
    public TrainedNetwork trained() {
        return trained;
    }

    /** Evaluates a set (null: none) and prints the seed's line for it. */
    private EvalStats evaluate(Evaluation evaluation, ModelState model, JavaRDD<Example> set, String name,
                               int epoch) {
        if (set == null) {
            return null;
        }
        EvalStats stats = evaluation.evaluate(model.params(), set, spec.testBatchSize(),
                String.format("epoch %d, %s evaluation", epoch, name.toLowerCase(Locale.ROOT)));
        out.println();
        out.println(ProgressLog.evalLine(name, stats, evaluation.regression()));
        out.println();
        return stats;
    }

    /** Writes the epoch's checkpoint, applies retention and returns the seconds it took. */
    private double checkpoint(CheckpointStore store, int epoch, MultiLayerNetwork net, ModelState model, double lr,
                              TrainingState state, double epochSeconds) {
        long start = System.nanoTime();
        LearningRates.set(net, lr);
        model.applyTo(net);
        CheckpointStore.Stored saved = store.save(epoch, net, state);
        lastCheckpoint = saved;
        Set<Integer> keep = state.best() == null ? Set.of() : Set.of(state.best().epoch());
        List<String> deleted = store.retain(spec.keepLast(), keep);
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "Checkpoint %s/%s: %.1f MB in %.2f s (%.1f%% of the epoch)%s%n", store.uri(),
                saved.name(), saved.bytes() / 1e6, seconds, 100 * seconds / epochSeconds,
                deleted.isEmpty() ? "" : ", removed " + String.join(", ", deleted));
        return seconds;
    }

    private TrainingState.Best better(TrainingState.Best best, EpochResult result) {
        if ("none".equals(spec.keepBest())) {
            return null;
        }
        Metric metric = Metric.named(spec.keepBest());
        double value = metric.of(result);
        if (best == null || !best.metric().equals(metric.key()) || metric.better(value, best.value())) {
            return new TrainingState.Best(metric.key(), result.epoch(), value);
        }
        return best;
    }

    /** The saved schedule; an --lr given on resume becomes the rate of the first resumed epoch. */
    private LrSchedule schedule(TrainingState resumed, int first) {
        if (resumed == null) {
            return LrSchedule.of(spec.scheduler(), spec.optimizer().lr(), spec.epochs());
        }
        LrSchedule saved = resumed.lrScheduler();
        return spec.optimizer().lr() == resumed.spec().optimizer().lr() ? saved : saved.withLrAt(first, spec.optimizer().lr());
    }

    private CheckpointStore openCheckpoints(Configuration hadoop) {
        if (spec.checkpointDir() == null) {
            return null;
        }
        CheckpointStore store = new CheckpointStore(spec.checkpointDir(), hadoop);
        store.checkWritable();
        if (resumeFrom == null && !replacesInvalid) {
            List<CheckpointStore.Stored> existing = store.list(false);
            if (!existing.isEmpty()) {
                throw new IllegalArgumentException("--checkpoint-dir " + spec.checkpointDir()
                        + ": holds checkpoints already (newest " + existing.get(existing.size() - 1).name()
                        + "); pass --resume to continue from them, or choose another directory");
            }
        }
        return store;
    }

    private void requireSameModel(MultiLayerNetwork expected, MultiLayerNetwork restored) {
        Map<String, INDArray> want = expected.paramTable();
        Map<String, INDArray> have = restored.paramTable();
        boolean same = want.keySet().equals(have.keySet()) && want.keySet().stream()
                .allMatch(k -> Arrays.equals(want.get(k).shape(), have.get(k).shape()));
        if (!same) {
            throw new IllegalArgumentException("checkpoint " + resumeFrom.dir() + " holds a model with "
                    + restored.numParams() + " parameters in " + have.size() + " arrays, not the " + spec.modelName()
                    + " of this job (" + expected.numParams() + " parameters); refusing to resume");
        }
    }

    private void requireSameData(DataSummary trained, DataSummary now) {
        if (!trained.equals(now)) {
            DataSpec d = spec.data();
            throw new IllegalArgumentException(String.format(
                    "%s: its training data (%d examples, fingerprint %s) is not the data checkpoint %s"
                            + " was trained on (%d examples, fingerprint %s); refusing to resume",
                    Datasets.named(d.dataset()).location(d),
                    now.count(), now.fingerprint(), resumeFrom.dir(), trained.count(), trained.fingerprint()));
        }
    }

    /**
     * Prints the seed's train line, with speed and ETA, and reports it to the metrics whenever the
     * epoch's minibatch count passes a multiple of the log interval. Rounds trained again after a
     * lost executor print again, but reach the metrics only past the last step they hold.
     */
    private RoundListener progress(long total, double lr, long stepsBefore, MetricsSink metrics) {
        long start = System.nanoTime();
        return new RoundListener() {
            private long lastStep = -1; // the last step written to the metrics


            @Override
            public void onRound(int epoch, RoundStats round) {
                long before = round.epochMinibatches() - round.minibatches();
                if (ProgressLog.crossesInterval(before, round.epochMinibatches(), spec.logInterval())) {
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    double rate = round.epochExamples() / elapsed;
                    double loss = round.lossSum() / round.examples();
                    double eta = (total - round.epochExamples()) / rate;
                    out.println(ProgressLog.trainLine(epoch, round.epochExamples(), total, loss, rate, eta));
                    long step = stepsBefore + round.epochMinibatches();
                    if (step > lastStep) {
                        metrics.train(new TrainPoint(epoch, step, round.epochExamples(), total, loss, lr, rate, eta));
                        lastStep = step;
                    }
                }
            }

            @Override
            public void onRetry(int epoch, int first, int end, String reason, int attempt, int attempts) {
                out.printf(Locale.ROOT, "Lost an executor in epoch %d (%s): training again from round %d, with the"
                        + " model averaged before it (%d rounds lost; attempt %d of %d)%n", epoch, reason, first + 1,
                        end - first, attempt, attempts);
            }
        };
    }
}
