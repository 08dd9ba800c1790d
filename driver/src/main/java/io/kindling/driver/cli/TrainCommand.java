package io.kindling.driver.cli;

import io.kindling.driver.checkpoint.CheckpointStore;
import io.kindling.driver.model.ModelZoo;
import io.kindling.driver.model.Optimizers;
import io.kindling.driver.train.JobSpec;
import io.kindling.driver.train.TrainingJob;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kindling train}: the options of the pytorch/examples MNIST script, plus Spark's. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a model with parameter averaging on Spark, evaluating after every epoch.")
public final class TrainCommand implements Callable<Integer> {
    private static final JobSpec DEFAULTS = JobSpec.builder().dataDir(DataDirs.defaultFor("mnist")).build();

    @Spec
    CommandLine.Model.CommandSpec commandSpec;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master URL (default: spark-submit's, else local[*]).")
    String master;

    @Option(names = "--model", description = "Model: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = Models.class)
    String model = DEFAULTS.model();

    @Option(names = "--dataset", description = "Dataset: mnist (default: ${DEFAULT-VALUE}).")
    String dataset = DEFAULTS.dataset();

    @Option(names = "--data-dir", paramLabel = "URI",
            description = "Dataset directory, any Hadoop FileSystem URI; fetched there if missing"
                    + " (default: ${DEFAULT-VALUE}).")
    String dataDir = DEFAULTS.dataDir();

    @Option(names = "--mirror", paramLabel = "URI",
            description = "Extra mirror for fetching the dataset (URL, Hadoop URI or local directory). Repeatable.")
    List<String> mirrors = new ArrayList<>();

    @Option(names = "--download", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Fetch the dataset into --data-dir when missing (default: true; --no-download to refuse).")
    boolean download;

    @Option(names = "--epochs", description = "Number of epochs (default: ${DEFAULT-VALUE}).")
    int epochs = DEFAULTS.epochs();

    @Option(names = "--batch-size", description = "Minibatch size per worker step (default: ${DEFAULT-VALUE}).")
    int batchSize = DEFAULTS.batchSize();

    @Option(names = "--test-batch-size", description = "Minibatch size for evaluation (default: ${DEFAULT-VALUE}).")
    int testBatchSize = DEFAULTS.testBatchSize();

    @Option(names = "--optimizer", description = "Optimizer: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = OptimizerNames.class)
    String optimizer = DEFAULTS.optimizer();

    @Option(names = "--lr", description = "Learning rate (default: 1.0 for adadelta, 0.001 for adam, 0.01 for sgd).")
    Double lr;

    @Option(names = "--gamma", description = "StepLR decay per epoch (default: ${DEFAULT-VALUE}).")
    double gamma = DEFAULTS.gamma();

    @Option(names = "--seed", description = "Random seed: same seed and workers give the same run (default: ${DEFAULT-VALUE}).")
    long seed = DEFAULTS.seed();

    @Option(names = "--log-interval", description = "Minibatches between progress lines (default: ${DEFAULT-VALUE}).")
    int logInterval = DEFAULTS.logInterval();

    @Option(names = "--dry-run", description = "Train one averaging round per epoch, to check a setup quickly.")
    boolean dryRun;

    @Option(names = "--save-model", paramLabel = "URI",
            description = "Save the trained model (DL4J zip with updater state) to this Hadoop FileSystem URI.")
    String saveModel;

    @Option(names = "--limit-train", paramLabel = "N", description = "Train on the first N examples only (default: all).")
    int limitTrain;

    @Option(names = "--limit-test", paramLabel = "N", description = "Evaluate on the first N examples only (default: all).")
    int limitTest;

    @Option(names = "--workers", paramLabel = "N",
            description = "Partitions, i.e. model copies trained in parallel (default: Spark's default parallelism).")
    int workers;

    @Option(names = "--averaging-frequency", paramLabel = "K",
            description = "Minibatches each worker fits between parameter averages (default: ${DEFAULT-VALUE}).")
    int averagingFrequency = DEFAULTS.averagingFrequency();

    @Option(names = "--checkpoint-dir", paramLabel = "URI",
            description = "Write a verified checkpoint here after every epoch (any Hadoop FileSystem URI).")
    String checkpointDir;

    @Option(names = "--keep-last", paramLabel = "N",
            description = "Checkpoints to keep besides the best (default: ${DEFAULT-VALUE}).")
    int keepLast = DEFAULTS.keepLast();

    @Option(names = "--keep-best", paramLabel = "METRIC",
            description = "Also keep the best checkpoint by test_accuracy, test_loss or train_loss, or none"
                    + " (default: ${DEFAULT-VALUE}).")
    String keepBest = DEFAULTS.keepBest();

    @Option(names = "--resume", description = "Continue from the newest valid checkpoint in --checkpoint-dir"
            + " (start afresh if there is none). Options not given are the checkpoint's.")
    boolean resume;

    @Override
    public Integer call() {
        JobSpec spec = spec();
        if (resume && spec.checkpointDir() == null) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(), "--resume needs --checkpoint-dir");
        }
        try (JavaSparkContext sc = SparkContexts.create(master, "kindling train " + model)) {
            TrainingJob job = resume ? resumed(spec, sc) : new TrainingJob(spec, sc, System.out);
            job.run();
        }
        return 0;
    }

    private TrainingJob resumed(JobSpec given, JavaSparkContext sc) {
        CheckpointStore store = new CheckpointStore(given.checkpointDir(), sc.hadoopConfiguration());
        Optional<CheckpointStore.Stored> newest = store.newestValid(System.out::println);
        if (newest.isEmpty()) {
            System.out.println("No valid checkpoint in " + given.checkpointDir() + ": starting at epoch 1");
            return new TrainingJob(given, sc, System.out);
        }
        Set<String> explicit = new HashSet<>();
        commandSpec.commandLine().getParseResult().matchedOptions().forEach(o -> explicit.add(o.longestName()));
        JobSpec merged;
        try {
            merged = ResumePolicy.merge(store.readState(newest.get()), given, explicit);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(), e.getMessage());
        }
        return new TrainingJob(merged, sc, System.out).resumingFrom(newest.get());
    }

    /** The job spec, or a usage error naming the offending option. */
    JobSpec spec() {
        try {
            if (!ModelZoo.NAMES.contains(model)) {
                throw new IllegalArgumentException("--model " + model + ": unknown, expected one of " + ModelZoo.NAMES);
            }
            if (!"mnist".equals(dataset)) {
                throw new IllegalArgumentException("--dataset " + dataset + ": unknown, expected mnist");
            }
            if (!Optimizers.NAMES.contains(optimizer)) {
                throw new IllegalArgumentException("--optimizer " + optimizer + ": unknown, expected one of "
                        + Optimizers.NAMES);
            }
            return JobSpec.builder().model(model).dataset(dataset).dataDir(dataDir).mirrors(mirrors)
                    .download(download).epochs(epochs).batchSize(batchSize).testBatchSize(testBatchSize)
                    .optimizer(optimizer).lr(lr != null ? lr : Optimizers.defaultLearningRate(optimizer))
                    .gamma(gamma).seed(seed).logInterval(logInterval).dryRun(dryRun).saveModel(saveModel)
                    .limitTrain(limitTrain).limitTest(limitTest).workers(workers)
                    .averagingFrequency(averagingFrequency).checkpointDir(checkpointDir).keepLast(keepLast)
                    .keepBest(keepBest).build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(), e.getMessage());
        }
    }

    static final class Models extends ArrayList<String> {
        Models() {
            super(ModelZoo.NAMES);
        }
    }

    static final class OptimizerNames extends ArrayList<String> {
        OptimizerNames() {
            super(Optimizers.NAMES);
        }
    }
}
