package io.kindling.driver.cli;

import io.kindling.driver.model.ModelZoo;
import io.kindling.driver.model.Optimizers;
import io.kindling.driver.train.JobSpec;
import io.kindling.driver.train.TrainingJob;
import java.util.ArrayList;
import java.util.List;
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
    @Spec
    CommandLine.Model.CommandSpec commandSpec;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master URL (default: spark-submit's, else local[*]).")
    String master;

    @Option(names = "--model", description = "Model: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = Models.class)
    String model = "mnist-cnn";

    @Option(names = "--dataset", description = "Dataset: mnist (default: ${DEFAULT-VALUE}).")
    String dataset = "mnist";

    @Option(names = "--data-dir", paramLabel = "URI",
            description = "Dataset directory, any Hadoop FileSystem URI; fetched there if missing"
                    + " (default: ${DEFAULT-VALUE}).")
    String dataDir = DataDirs.defaultFor("mnist");

    @Option(names = "--mirror", paramLabel = "URI",
            description = "Extra mirror for fetching the dataset (URL, Hadoop URI or local directory). Repeatable.")
    List<String> mirrors = new ArrayList<>();

    @Option(names = "--download", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Fetch the dataset into --data-dir when missing (default: true; --no-download to refuse).")
    boolean download;

    @Option(names = "--epochs", description = "Number of epochs (default: ${DEFAULT-VALUE}).")
    int epochs = 14;

    @Option(names = "--batch-size", description = "Minibatch size per worker step (default: ${DEFAULT-VALUE}).")
    int batchSize = 64;

    @Option(names = "--test-batch-size", description = "Minibatch size for evaluation (default: ${DEFAULT-VALUE}).")
    int testBatchSize = 1000;

    @Option(names = "--optimizer", description = "Optimizer: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = OptimizerNames.class)
    String optimizer = "adadelta";

    @Option(names = "--lr", description = "Learning rate (default: 1.0 for adadelta, 0.001 for adam, 0.01 for sgd).")
    Double lr;

    @Option(names = "--gamma", description = "StepLR decay per epoch (default: ${DEFAULT-VALUE}).")
    double gamma = 0.7;

    @Option(names = "--seed", description = "Random seed: same seed and workers give the same run (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--log-interval", description = "Minibatches between progress lines (default: ${DEFAULT-VALUE}).")
    int logInterval = 10;

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
    int averagingFrequency = 5;

    @Override
    public Integer call() {
        JobSpec spec = spec();
        try (JavaSparkContext sc = SparkContexts.create(master, "kindling train " + model)) {
            new TrainingJob(spec, sc, System.out).run();
        }
        return 0;
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
            double learningRate = lr != null ? lr : Optimizers.defaultLearningRate(optimizer);
            return new JobSpec(model, dataset, dataDir, mirrors, download, epochs, batchSize, testBatchSize,
                    optimizer, learningRate, gamma, seed, logInterval, dryRun, saveModel, limitTrain, limitTest,
                    workers, averagingFrequency);
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
