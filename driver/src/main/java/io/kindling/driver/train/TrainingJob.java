package io.kindling.driver.train;

import io.kindling.datasets.Example;
import io.kindling.datasets.ExampleRdd;
import io.kindling.datasets.Normalization;
import io.kindling.datasets.mnist.MnistFetch;
import io.kindling.datasets.mnist.MnistFiles;
import io.kindling.datasets.mnist.MnistSource;
import io.kindling.driver.model.ModelZoo;
import io.kindling.driver.model.Optimizers;
import io.kindling.driver.model.PyTorchInit;
import io.kindling.worker.EvalStats;
import io.kindling.worker.RoundResult;
import io.kindling.worker.WorkerConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole training job: data (fetched if missing), model, then per epoch the averaged training
 * rounds, a distributed evaluation and the LR step; the model is saved at the end if asked.
 */
public final class TrainingJob {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingJob.class);

    private final JobSpec spec;
    private final JavaSparkContext sc;
    private final PrintStream out;
    private RoundListener roundListener = RoundListener.NONE;
    private boolean traceExamples;

    public TrainingJob(JobSpec spec, JavaSparkContext sc, PrintStream out) {
        this.spec = spec;
        this.sc = sc;
        this.out = out;
    }

    /** Also tell {@code listener} about every round, with the index of every trained example. */
    public TrainingJob tracingExamples(RoundListener listener) {
        this.roundListener = listener;
        this.traceExamples = true;
        return this;
    }

    public List<EpochResult> run() {
        out.println(spec.describe());
        Configuration hadoop = sc.hadoopConfiguration();
        ensureData(hadoop);
        MnistSource train = MnistSource.open(spec.dataDir(), MnistSource.Split.TRAIN, spec.limitTrain(), hadoop);
        MnistSource test = MnistSource.open(spec.dataDir(), MnistSource.Split.TEST, spec.limitTest(), hadoop);
        int workers = spec.workers() > 0 ? spec.workers() : sc.defaultParallelism();

        MultiLayerConfiguration conf = ModelZoo.configuration(spec.model(),
                Optimizers.create(spec.optimizer(), spec.lr()), spec.seed());
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        PyTorchInit.initBiases(net);
        ModelState model = ModelState.of(net);
        int threads = ThreadBudget.perTask(sc, workers);
        WorkerConfig workerConfig = new WorkerConfig(conf.toJson(), spec.batchSize(), spec.averagingFrequency(),
                train.numClasses(), Normalization.MNIST, spec.seed(), threads, traceExamples);
        LOG.info("{} workers, {} native threads per task, {} parameters", workers, threads, net.numParams());

        JavaRDD<Example> trainRdd = ExampleRdd.load(sc, train, workers).persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<Example> testRdd = ExampleRdd.load(sc, test, workers).persist(StorageLevel.MEMORY_AND_DISK());
        // Read (and so check) every record once up front: a bad label fails now, not after an epoch.
        sc.setJobDescription("reading " + train.name() + " and " + test.name());
        trainRdd.count();
        testRdd.count();
        sc.setJobDescription(null);
        StepLr schedule = new StepLr(spec.lr(), 1, spec.gamma());
        List<EpochResult> results = new ArrayList<>();
        try (ParameterAveraging engine = new ParameterAveraging(sc, workerConfig, workers)) {
            for (int epoch = 1; epoch <= spec.epochs(); epoch++) {
                double lr = schedule.lr(epoch);
                EpochStats stats = engine.trainEpoch(model, trainRdd, train.size(), epoch, lr,
                        spec.dryRun() ? 1 : 0, progress(train.size()));
                EvalStats eval = engine.evaluate(model.params(), testRdd, spec.testBatchSize(),
                        String.format("epoch %d, evaluation", epoch));
                out.println();
                out.println(ProgressLog.testLine(eval));
                out.println();
                LOG.info(String.format(Locale.ROOT, "epoch %d: %d examples in %.1f s (%.1f examples/s), lr %.6g",
                        epoch, stats.examples(), stats.seconds(), stats.examples() / stats.seconds(), lr));
                results.add(new EpochResult(epoch, lr, stats, eval));
            }
        } finally {
            trainRdd.unpersist(false);
            testRdd.unpersist(false);
        }
        if (spec.saveModel() != null) {
            net.setLearningRate(schedule.lr(spec.epochs()));
            model.applyTo(net);
            ModelWriter.save(net, spec.saveModel(), hadoop);
            out.println("Saved model to " + spec.saveModel());
        }
        return results;
    }

    private void ensureData(Configuration hadoop) {
        if (MnistFiles.present(spec.dataDir(), hadoop)) {
            return;
        }
        if (!spec.download()) {
            throw new IllegalArgumentException("--data-dir " + spec.dataDir()
                    + ": MNIST files not found and --no-download given; run `kindling datasets fetch mnist --dir "
                    + spec.dataDir() + "`");
        }
        out.println("Downloading MNIST into " + spec.dataDir());
        MnistFetch.into(spec.dataDir(), spec.mirrors(), hadoop, out::println);
    }

    /** Prints the seed's train line whenever the epoch's minibatch count passes a multiple of the interval. */
    private RoundListener progress(int total) {
        return new RoundListener() {
            private long minibatches;
            private long examples;

            @Override
            public void onRound(int epoch, int round, int rounds, RoundResult result, double seconds) {
                long before = minibatches;
                minibatches += result.minibatches();
                examples += result.examples();
                if (ProgressLog.crossesInterval(before, minibatches, spec.logInterval())) {
                    out.println(ProgressLog.trainLine(epoch, examples, total, result.lossSum() / result.examples()));
                }
                roundListener.onRound(epoch, round, rounds, result, seconds);
            }
        };
    }
}
