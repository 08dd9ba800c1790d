package io.kindling.driver.cli;

import io.kindling.driver.checkpoint.CheckpointStore;
import io.kindling.driver.data.Dataset;
import io.kindling.driver.data.Datasets;
import io.kindling.driver.data.Mnist;
import io.kindling.driver.job.JobSpec;
import io.kindling.driver.job.OptimizerSpec;
import io.kindling.driver.job.SchedulerSpec;
import io.kindling.driver.model.ModelZoo;
import io.kindling.driver.schedule.LrSchedule;
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

/** {@code kindling train}: the options of the pytorch/examples MNIST script, plus Spark's and torch.optim's. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a model with parameter averaging on Spark, evaluating after every epoch.")
public final class TrainCommand implements Callable<Integer> {
    private static final JobSpec DEFAULTS = JobSpec.builder().dataDir(new Mnist().defaultDir()).build();
    private static final SchedulerSpec SCHEDULER = DEFAULTS.scheduler();

    @Spec
    CommandLine.Model.CommandSpec commandSpec;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master URL (default: spark-submit's, else local[*]).")
    String master;

    @Option(names = "--model", description = "Model: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = Models.class)
    String model = DEFAULTS.model();

    @Option(names = "--model-file", paramLabel = "URI",
            description = "A model spec in YAML or JSON, or a DL4J configuration JSON, instead of --model.")
    String modelFile;

    @Option(names = "--hidden", split = ",", paramLabel = "N,N",
            description = "Hidden layer widths of the mlp model (default: 256,128).")
    List<Integer> hidden = new ArrayList<>(DEFAULTS.hidden());

    @Option(names = "--loss", description = "Loss: nll (on log_softmax), cross_entropy or mse (default: the model's).")
    String loss;

    @Option(names = "--dataset", description = "Dataset: mnist, cifar10 (fetched when missing), csv or images"
            + " (default: ${DEFAULT-VALUE}).")
    String dataset = DEFAULTS.data().dataset();

    @Option(names = "--data-dir", paramLabel = "URI",
            description = "mnist/cifar10 directory, any Hadoop FileSystem URI; fetched there if missing"
                    + " (default: ~/.cache/kindling/datasets/DATASET).")
    String dataDir;

    @Option(names = "--train-data", split = ",", paramLabel = "URI",
            description = "csv: CSV files or directories; images: root/<class>/<image> folders. Several are"
                    + " concatenated. For mnist/cifar10: more directories to concatenate.")
    List<String> trainData = new ArrayList<>();

    @Option(names = "--test-data", split = ",", paramLabel = "URI",
            description = "csv/images: the test files or folders (none: no test evaluation).")
    List<String> testData = new ArrayList<>();

    @Option(names = "--header", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "csv: the first line of each file names the columns (default: true).")
    boolean csvHeader;

    @Option(names = "--label-column", paramLabel = "NAME|INDEX",
            description = "csv: the label's column, by name or 0-based index (default: the last).")
    String labelColumn;

    @Option(names = "--delimiter", description = "csv: the field separator (default: ${DEFAULT-VALUE}).")
    String delimiter = ",";

    @Option(names = "--regression", description = "csv: predict the label as a number (MSE) instead of a class.")
    boolean regression;

    @Option(names = "--image-size", paramLabel = "HxW",
            description = "images: resize every image to this (default: the first image's size).")
    String imageSize;

    @Option(names = "--grayscale", description = "images: one channel instead of RGB.")
    boolean grayscale;

    @Option(names = "--transforms", paramLabel = "PIPELINE",
            description = "Transforms, like transforms.Compose: resize(h,w); random_crop(size,pad); hflip(p);"
                    + " to_tensor; normalize(mean,std) or normalize(auto). Random ones apply to training only."
                    + " Default: mnist 'to_tensor; normalize(0.1307, 0.3081)', cifar10 and images 'to_tensor', csv none.")
    String transforms;

    @Option(names = "--validation-split", paramLabel = "F",
            description = "Hold out this fraction of the training data for validation, seeded (default: 0).")
    double validationSplit;

    @Option(names = "--drop-last", description = "Drop each worker's last incomplete minibatch, like drop_last.")
    boolean dropLast;

    @Option(names = "--cache", description = "Keep examples between epochs in memory, on disk or none"
            + " (re-read every epoch) (default: ${DEFAULT-VALUE}).")
    String cache = "memory";

    @Option(names = "--skip-bad-records",
            description = "Skip malformed records (count reported) instead of failing on the first.")
    boolean skipBadRecords;

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
    String optimizer = DEFAULTS.optimizer().name();

    @Option(names = "--lr", description = "Learning rate (default: 1.0 for adadelta, 0.001 for adam and adamw,"
            + " 0.01 for sgd and rmsprop).")
    Double lr;

    @Option(names = "--momentum", description = "Momentum of sgd and rmsprop (default: 0).")
    double momentum;

    @Option(names = "--nesterov", description = "Nesterov momentum (sgd).")
    boolean nesterov;

    @Option(names = "--weight-decay", description = "L2 penalty added to the gradient; decoupled for adamw"
            + " (default: 0.01 for adamw, else 0).")
    Double weightDecay;

    @Option(names = "--clip-grad-norm", paramLabel = "MAX",
            description = "Clip the norm of all gradients together to MAX before each step, as clip_grad_norm_.")
    double clipGradNorm;

    @Option(names = "--scheduler", description = "LR scheduler stepped per epoch: ${COMPLETION-CANDIDATES}"
            + " (default: ${DEFAULT-VALUE}).", completionCandidates = SchedulerNames.class)
    String scheduler = SCHEDULER.name();

    @Option(names = "--gamma", description = "Decay of step, multistep and exponential (default: ${DEFAULT-VALUE}).")
    double gamma = SCHEDULER.gamma();

    @Option(names = "--step-size", description = "StepLR's step_size in epochs (default: ${DEFAULT-VALUE}).")
    int stepSize = SCHEDULER.stepSize();

    @Option(names = "--milestones", split = ",", paramLabel = "E,E", description = "MultiStepLR's milestones.")
    List<Integer> milestones = new ArrayList<>();

    @Option(names = "--t-max", description = "CosineAnnealingLR's T_max (default: the number of epochs).")
    int tMax;

    @Option(names = "--eta-min", description = "CosineAnnealingLR's eta_min (default: ${DEFAULT-VALUE}).")
    double etaMin = SCHEDULER.etaMin();

    @Option(names = "--plateau-metric", description = "What ReduceLROnPlateau watches: test_loss, test_accuracy or"
            + " train_loss (default: ${DEFAULT-VALUE}).")
    String plateauMetric = SCHEDULER.metric();

    @Option(names = "--plateau-mode", description = "min or max (default: ${DEFAULT-VALUE}).")
    String plateauMode = SCHEDULER.mode();

    @Option(names = "--factor", description = "ReduceLROnPlateau's factor (default: ${DEFAULT-VALUE}).")
    double factor = SCHEDULER.factor();

    @Option(names = "--patience", description = "ReduceLROnPlateau's patience (default: ${DEFAULT-VALUE}).")
    int patience = SCHEDULER.patience();

    @Option(names = "--threshold", description = "ReduceLROnPlateau's threshold (default: ${DEFAULT-VALUE}).")
    double threshold = SCHEDULER.threshold();

    @Option(names = "--threshold-mode", description = "rel or abs (default: ${DEFAULT-VALUE}).")
    String thresholdMode = SCHEDULER.thresholdMode();

    @Option(names = "--cooldown", description = "ReduceLROnPlateau's cooldown (default: ${DEFAULT-VALUE}).")
    int cooldown = SCHEDULER.cooldown();

    @Option(names = "--min-lr", description = "ReduceLROnPlateau's min_lr (default: ${DEFAULT-VALUE}).")
    double minLr = SCHEDULER.minLr();

    @Option(names = "--lr-lambda", paramLabel = "EXPR",
            description = "LambdaLR's factor as an expression of epoch (0 for the first), e.g. 0.95^epoch.")
    String lrLambda;

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

    @Option(names = "--optimizer-state", paramLabel = "MODE",
            description = "averaged: average the optimiser state with the parameters every round; local: each worker"
                    + " keeps its own through an epoch, averaged at the epoch's end (default: ${DEFAULT-VALUE}).")
    String optimizerState = DEFAULTS.optimizerState();

    @Option(names = "--segment-seconds", paramLabel = "S",
            description = "Train about S seconds of rounds per Spark stage before the model comes back to the driver:"
                    + " the most training an executor lost costs (default: ${DEFAULT-VALUE}).")
    double segmentSeconds = DEFAULTS.segmentSeconds();

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

    @Option(names = "--run-dir", paramLabel = "URI",
            description = "Write metrics there, any Hadoop FileSystem URI: metrics.jsonl and TensorBoard event files"
                    + " (tensorboard --logdir URI).")
    String runDir;

    @Option(names = "--resume", description = "Continue from the newest valid checkpoint in --checkpoint-dir"
            + " (start afresh if there is none). Options not given are the checkpoint's.")
    boolean resume;

    @Override
    public Integer call() {
        JobSpec spec = spec();
        if (resume && spec.checkpointDir() == null) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(), "--resume needs --checkpoint-dir");
        }
        try (JavaSparkContext sc = SparkContexts.create(master, "kindling train " + spec.modelName())) {
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
        JobSpec merged;
        try {
            merged = ResumePolicy.merge(store.readState(newest.get()), given, explicitOptions());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(), e.getMessage());
        }
        return new TrainingJob(merged, sc, System.out).resumingFrom(newest.get());
    }

    private Set<String> explicitOptions() {
        Set<String> explicit = new HashSet<>();
        commandSpec.commandLine().getParseResult().matchedOptions().forEach(o -> explicit.add(o.longestName()));
        return explicit;
    }

    /** The job spec, or a usage error naming the offending option. */
    JobSpec spec() {
        try {
            int[] size = imageSize == null ? new int[] {0, 0} : parseSize(imageSize);
            if (modelFile != null && explicitOptions().contains("--model")) {
                throw new IllegalArgumentException("--model and --model-file: give one of them");
            }
            if (modelFile == null && !ModelZoo.NAMES.contains(model)) {
                throw new IllegalArgumentException("--model " + model + ": unknown, expected one of " + ModelZoo.NAMES);
            }
            SchedulerSpec schedule = new SchedulerSpec(scheduler, gamma, stepSize, milestones, tMax, etaMin,
                    plateauMode, factor, patience, threshold, thresholdMode, cooldown, minLr, plateauMetric, lrLambda);
            LrSchedule.of(schedule, 1.0, epochs); // checks the scheduler's own arguments now, not after an epoch
            JobSpec.Builder b = JobSpec.builder().model(model).modelFile(modelFile).hidden(hidden).loss(loss)
                    .dataset(dataset).dataDir(dataDir != null ? dataDir : Datasets.named(dataset).defaultDir())
                    .mirrors(mirrors).download(download).trainData(trainData).testData(testData).csvHeader(csvHeader)
                    .labelColumn(labelColumn).delimiter(delimiter).regression(regression).imageSize(size[0], size[1])
                    .grayscale(grayscale).transforms(transforms).validationSplit(validationSplit).dropLast(dropLast)
                    .cache(cache).skipBadRecords(skipBadRecords).epochs(epochs)
                    .batchSize(batchSize).testBatchSize(testBatchSize).optimizer(optimizer).momentum(momentum)
                    .nesterov(nesterov).clipGradNorm(clipGradNorm).scheduler(schedule).seed(seed)
                    .logInterval(logInterval).dryRun(dryRun).saveModel(saveModel).limitTrain(limitTrain)
                    .limitTest(limitTest).workers(workers).averagingFrequency(averagingFrequency)
                    .optimizerState(optimizerState).segmentSeconds(segmentSeconds)
                    .checkpointDir(checkpointDir).keepLast(keepLast).keepBest(keepBest).runDir(runDir);
            if (lr != null) {
                b.lr(lr);
            }
            if (weightDecay != null) {
                b.weightDecay(weightDecay);
            }
            JobSpec spec = b.build();
            Datasets.of(spec.data()); // the dataset's own checks, before Spark starts
            return spec;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(), e.getMessage());
        }
    }

    private static int[] parseSize(String text) {
        String[] parts = text.toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (parts.length == 2) {
                int h = Integer.parseInt(parts[0].trim());
                int w = Integer.parseInt(parts[1].trim());
                if (h > 0 && w > 0) {
                    return new int[] {h, w};
                }
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("--image-size " + text + ": expected HxW, such as 32x32");
    }

    static final class Models extends ArrayList<String> {
        Models() {
            super(ModelZoo.NAMES);
        }
    }

    static final class OptimizerNames extends ArrayList<String> {
        OptimizerNames() {
            super(OptimizerSpec.NAMES);
        }
    }

    static final class SchedulerNames extends ArrayList<String> {
        SchedulerNames() {
            super(SchedulerSpec.NAMES);
        }
    }
}
