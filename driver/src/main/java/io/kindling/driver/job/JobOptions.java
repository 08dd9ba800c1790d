package io.kindling.driver.job;

import io.kindling.driver.job.JobOption.Form;
import io.kindling.driver.job.JobOption.Resume;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Every option of Kindling's commands, each declared once ({@link JobOption}). A name has one
 * meaning in every command that takes it. {@link #TRAIN} lists `kindling train`'s, in the order its
 * help and the README show them.
 */
public final class JobOptions {
    private JobOptions() {
    }

    // Spark and the run

    public static final JobOption<String> MASTER = option("--master", String.class).label("URL")
            .defaultText("spark-submit's, else `local[*]`").run("any Spark master URL");
    public static final JobOption<Integer> WORKERS = option("--workers", Integer.class).atLeast(0).label("N").value(0)
            .defaultText("Spark's default parallelism").changeable("model copies trained in parallel and averaged"
                    + " (for evaluation: tasks reading the test data); more than the cluster's task slots is"
                    + " allowed (tasks then train several in turn) and gives the same result")
            .into(JobSpec.Builder::workers, JobSpec::workers);

    // The model

    public static final JobOption<String> MODEL = option("--model", String.class).label("NAME").value("mnist-cnn")
            .fixed("a model of the zoo (`kindling models` lists them)")
            .into(JobSpec.Builder::model, JobSpec::model);
    public static final JobOption<String> MODEL_FILE = option("--model-file", String.class).label("URI")
            .fixed("a model spec (YAML or JSON) or a DL4J `MultiLayerConfiguration` JSON, built by"
                    + " `train` instead of a zoo model")
            .into(JobSpec.Builder::modelFile, JobSpec::modelFile);
    public static final JobOption<List<Integer>> HIDDEN = listOf("--hidden", Integer.class)
            .check(v -> !v.isEmpty() && v.stream().allMatch(h -> h >= 1), "expected layer widths >= 1, such as 256,128")
            .label("N,N").value(List.of(256, 128)).fixed("hidden layer widths of `mlp`")
            .into(JobSpec.Builder::hidden, JobSpec::hidden);
    public static final JobOption<String> LOSS = option("--loss", String.class).oneOf(JobSpec.LOSSES).label("NAME").defaultText("the model's")
            .fixed("`nll` (on log-softmax), `cross_entropy` (on logits; the same computation) or `mse`")
            .into(JobSpec.Builder::loss, JobSpec::loss);

    // The data

    public static final JobOption<String> DATASET = option("--dataset", String.class).check(v -> !v.isBlank(), "expected a dataset's name").label("NAME").value("mnist")
            .fixed("`mnist`, `cifar10` (both fetched when missing), `csv`, `images` or `table` (any Spark SQL"
                    + " source or catalog table)")
            .into(JobSpec.Builder::dataset, s -> s.data().dataset());
    public static final JobOption<String> DATA_DIR = option("--data-dir", String.class).label("URI")
            .defaultText("`~/.cache/kindling/datasets/DATASET`").changeable("directory of `mnist` (the four IDX"
                    + " files, raw or `.gz`) or `cifar10` (the binary version's `.bin` files); any Hadoop FileSystem"
                    + " URI; the dataset is fetched there when missing")
            .into(JobSpec.Builder::dataDir, s -> s.data().dir());
    public static final JobOption<List<String>> TRAIN_DATA = listOf("--train-data", String.class)
            .label("URI,...").value(List.of()).changeable("`csv`: CSV files or directories; `images`:"
                    + " `root/<class>/<image>` folders; `table`: files or directories of `--format`; several are"
                    + " concatenated (for `mnist`/`cifar10`: more directories to concatenate); on `--resume` the data"
                    + " may have moved, but must be the same (its fingerprint is checked)")
            .into(JobSpec.Builder::trainData, s -> s.data().trainData());
    public static final JobOption<List<String>> TEST_DATA = listOf("--test-data", String.class)
            .label("URI,...").value(List.of()).changeable("`csv`/`images`/`table`: the test files or folders (none: no"
                    + " test evaluation)")
            .into(JobSpec.Builder::testData, s -> s.data().testData());
    public static final JobOption<String> FORMAT = option("--format", String.class)
            .check(v -> v.matches("[A-Za-z][A-Za-z0-9_.]*"), "expected a Spark SQL source's name, such as parquet")
            .label("NAME").value("parquet").fixed("`table`: the Spark SQL source of `--train-data` and `--test-data`"
                    + " (and of `predict --input`): `parquet`, `orc`, `json`, `csv`, `avro`, `delta`, ... (the last two"
                    + " where their packages are on Spark's class path)")
            .into(JobSpec.Builder::format, s -> s.data().table().format());
    public static final JobOption<String> TABLE = option("--table", String.class).label("NAME")
            .changeable("`table`: the training rows from this table of the session catalog (a Hive metastore where"
                    + " configured) instead of `--train-data`; on `--resume`, as `--train-data` (`predict`: the rows to"
                    + " score)")
            .into(JobSpec.Builder::table, s -> s.data().table().table());
    public static final JobOption<String> TEST_TABLE = option("--test-table", String.class).label("NAME")
            .changeable("`table`: the test rows from this catalog table instead of `--test-data`")
            .into(JobSpec.Builder::testTable, s -> s.data().table().testTable());
    public static final JobOption<String> WHERE = option("--where", String.class).label("EXPR")
            .fixed("`table`: only the rows meeting this SQL condition, in the training and the test data")
            .into(JobSpec.Builder::where, s -> s.data().table().where());
    public static final JobOption<List<String>> FEATURES = listOf("--features", String.class).label("COL,...")
            .value(List.of()).defaultText("every column but the label").fixed("`table`: the feature columns:"
                    + " numeric columns, or one column of Spark ML vectors, arrays of numbers, encoded images (binary,"
                    + " PNG or JPEG) or images (Spark's `image` source)")
            .into(JobSpec.Builder::features, s -> s.data().table().features());
    public static final JobOption<String> INPUT_SHAPE = option("--input-shape", String.class)
            .check(v -> v.matches("0*[1-9]\\d*x0*[1-9]\\d*x0*[1-9]\\d*"), "expected CxHxW, such as 1x28x28")
            .label("CxHxW").fixed("`table`: the shape of images stored as one array column (channel-major)")
            .into(JobSpec.Builder::inputShape, s -> s.data().table().inputShape());
    public static final JobOption<Boolean> HEADER = option("--header", Boolean.class).form(Form.SWITCH).value(true)
            .fixed("`csv` and `--format csv`: column names on the first line")
            .into(JobSpec.Builder::csvHeader, s -> s.data().csvHeader());
    public static final JobOption<String> LABEL_COLUMN = option("--label-column", String.class).label("NAME|INDEX")
            .defaultText("the last column; `table`: `label` if there is one").fixed("`csv`: the label's column, by"
                    + " name or 0-based index (negative from the end); `table`: by name")
            .into(JobSpec.Builder::labelColumn, s -> s.data().labelColumn());
    public static final JobOption<String> DELIMITER = option("--delimiter", String.class).check(v -> v.length() == 1, "expected one character").label("C").value(",")
            .fixed("`csv`: the field separator")
            .into(JobSpec.Builder::delimiter, s -> s.data().delimiter());
    public static final JobOption<Integer> SKIP_ROWS = option("--skip-rows", Integer.class).atLeast(0).label("N")
            .value(0).fixed("`csv`: lines to skip at the start of every file, before the header (a preamble, as in"
                    + " scikit-learn's raw CSV files)")
            .into(JobSpec.Builder::skipRows, s -> s.data().skipRows());
    public static final JobOption<Boolean> REGRESSION = option("--regression", Boolean.class).form(Form.FLAG)
            .value(false).fixed("`csv`, `table`: predict the label as a number (MSE) instead of a class")
            .into(JobSpec.Builder::regression, s -> s.data().regression());
    public static final JobOption<String> IMAGE_SIZE = option("--image-size", String.class)
            .check(v -> v.matches("0*[1-9]\\d*x0*[1-9]\\d*"), "expected HxW, such as 32x32").label("HxW")
            .defaultText("the first image's size").fixed("`images`, encoded images of `table`: resize every image"
                    + " (bilinear) to H×W")
            .into((b, v) -> {
                int[] size = v == null ? new int[] {0, 0} : imageSize(v);
                b.imageSize(size[0], size[1]);
            }, s -> s.data().imageHeight() == 0 ? null : s.data().imageHeight() + "x" + s.data().imageWidth());
    public static final JobOption<Boolean> GRAYSCALE = option("--grayscale", Boolean.class).form(Form.FLAG)
            .value(false).fixed("`images`, images of `table`: one channel instead of RGB")
            .into(JobSpec.Builder::grayscale, s -> s.data().grayscale());
    public static final JobOption<String> TRANSFORMS = option("--transforms", String.class).label("PIPELINE")
            .defaultText("the dataset's").fixed("the transforms, like `transforms.Compose` (README, Datasets):"
                    + " `resize(h, w)`, `random_crop(size, padding)`, `hflip(p)`, `to_tensor`, `normalize(mean, std)`"
                    + " or `normalize(auto)`; random ones apply to training only")
            .into(JobSpec.Builder::transforms, s -> s.data().transforms());
    public static final JobOption<Double> VALIDATION_SPLIT = option("--validation-split", Double.class).check(v -> v >= 0 && v < 1, "expected a fraction in [0, 1)").label("F")
            .value(0.0).fixed("hold out this fraction of the training data for validation (seeded, fixed across"
                    + " epochs)")
            .into(JobSpec.Builder::validationSplit, s -> s.data().validationSplit());
    public static final JobOption<Boolean> DROP_LAST = option("--drop-last", Boolean.class).form(Form.FLAG)
            .value(false).fixed("drop each worker's last incomplete minibatch, like `drop_last`")
            .into(JobSpec.Builder::dropLast, s -> s.data().dropLast());
    public static final JobOption<String> CACHE = option("--cache", String.class).oneOf(DataSpec.CACHES).label("MODE").value("memory")
            .changeable("keep examples between epochs in `memory`, on `disk`, or `none` (re-read every epoch: data"
                    + " larger than memory)")
            .into(JobSpec.Builder::cache, s -> s.data().cache());
    public static final JobOption<Boolean> SKIP_BAD_RECORDS = option("--skip-bad-records", Boolean.class)
            .form(Form.FLAG).value(false).changeable("skip malformed records and report how many, instead of failing"
                    + " on the first")
            .into(JobSpec.Builder::skipBadRecords, s -> s.data().skipBadRecords());
    public static final JobOption<List<String>> MIRROR = listOf("--mirror", String.class).form(Form.REPEATED)
            .label("URI").value(List.of()).changeable("extra mirror for fetching the dataset, tried first (URL,"
                    + " Hadoop URI or local directory); repeatable")
            .into(JobSpec.Builder::mirrors, s -> s.data().mirrors());
    public static final JobOption<Boolean> DOWNLOAD = option("--download", Boolean.class).form(Form.SWITCH)
            .value(true).changeable("fetch `mnist`/`cifar10` into `--data-dir` when missing (`--no-download`"
                    + " refuses)")
            .into(JobSpec.Builder::download, s -> s.data().download());

    // Training

    public static final JobOption<Integer> EPOCHS = option("--epochs", Integer.class).atLeast(1).label("N").value(14)
            .changeable("epochs").into(JobSpec.Builder::epochs, JobSpec::epochs);
    public static final JobOption<Integer> BATCH_SIZE = option("--batch-size", Integer.class).atLeast(1).label("N").value(64)
            .fixed("minibatch size of each worker step").into(JobSpec.Builder::batchSize, JobSpec::batchSize);
    public static final JobOption<Integer> TEST_BATCH_SIZE = option("--test-batch-size", Integer.class).atLeast(1).label("N")
            .value(1000).changeable("minibatch size of evaluation and prediction")
            .into(JobSpec.Builder::testBatchSize, JobSpec::testBatchSize);
    public static final JobOption<String> OPTIMIZER = option("--optimizer", String.class).oneOf(OptimizerSpec.NAMES).label("NAME")
            .value("adadelta").fixed("`adadelta`, `adam`, `adamw`, `rmsprop`, `sgd`: torch.optim's update rules and"
                    + " defaults")
            .into(JobSpec.Builder::optimizer, s -> s.optimizer().name());
    public static final JobOption<Double> LR = option("--lr", Double.class).positive().label("X")
            .defaultText("1.0 / 0.001 / 0.01").changeable("learning rate; the default depends on the optimizer"
                    + " (adadelta / adam, adamw / sgd, rmsprop); on `--resume`, the rate of the first resumed epoch")
            .into((b, v) -> b.lr(v == null ? Double.NaN : v), s -> s.optimizer().lr());
    public static final JobOption<Double> MOMENTUM = option("--momentum", Double.class).check(v -> v >= 0 && v < 1, "expected a number in [0, 1)").label("X").value(0.0)
            .fixed("momentum of `sgd` and `rmsprop`")
            .into(JobSpec.Builder::momentum, s -> s.optimizer().momentum());
    public static final JobOption<Boolean> NESTEROV = option("--nesterov", Boolean.class).form(Form.FLAG).value(false)
            .fixed("Nesterov momentum (`sgd`)").into(JobSpec.Builder::nesterov, s -> s.optimizer().nesterov());
    public static final JobOption<Double> WEIGHT_DECAY = option("--weight-decay", Double.class).atLeastZero().label("X")
            .defaultText("0 (`adamw`: 0.01)").fixed("PyTorch's `weight_decay`: `wd·p` added to every gradient;"
                    + " decoupled `p −= lr·wd·p` for `adamw`")
            .into((b, v) -> b.weightDecay(v == null ? Double.NaN : v), s -> s.optimizer().weightDecay());
    public static final JobOption<Double> CLIP_GRAD_NORM = option("--clip-grad-norm", Double.class).atLeastZero().label("MAX")
            .value(0.0).defaultText("off").fixed("`clip_grad_norm_`: scale all gradients together down to norm MAX"
                    + " before each step")
            .into(JobSpec.Builder::clipGradNorm, s -> s.optimizer().clipGradNorm());

    // The learning-rate schedule

    public static final JobOption<String> SCHEDULER = option("--scheduler", String.class).oneOf(SchedulerSpec.NAMES).label("NAME").value("step")
            .fixed("LR scheduler stepped after every epoch: `step`, `multistep`, `exponential`, `cosine`, `plateau`,"
                    + " `lambda`, `none`")
            .into(JobSpec.Builder::schedulerName, s -> s.scheduler().name());
    public static final JobOption<Double> GAMMA = option("--gamma", Double.class).positive().label("X").value(0.7)
            .fixed("decay of `step`, `multistep`, `exponential` (the seed's StepLR(step_size=1, gamma=0.7))")
            .into(JobSpec.Builder::gamma, s -> s.scheduler().gamma());
    public static final JobOption<Integer> STEP_SIZE = option("--step-size", Integer.class).atLeast(1).label("N").value(1)
            .fixed("StepLR's `step_size`").into(JobSpec.Builder::stepSize, s -> s.scheduler().stepSize());
    public static final JobOption<List<Integer>> MILESTONES = listOf("--milestones", Integer.class)
            .label("E,E").value(List.of()).fixed("MultiStepLR's `milestones`")
            .into(JobSpec.Builder::milestones, s -> s.scheduler().milestones());
    public static final JobOption<Integer> T_MAX = option("--t-max", Integer.class).atLeast(0).label("N").value(0)
            .defaultText("epochs").fixed("CosineAnnealingLR's `T_max`")
            .into(JobSpec.Builder::tMax, s -> s.scheduler().tMax());
    public static final JobOption<Double> ETA_MIN = option("--eta-min", Double.class).atLeastZero().label("X").value(0.0)
            .fixed("CosineAnnealingLR's `eta_min`").into(JobSpec.Builder::etaMin, s -> s.scheduler().etaMin());
    public static final JobOption<String> PLATEAU_METRIC = option("--plateau-metric", String.class).oneOf(Metric.NAMES).label("M")
            .value("test_loss").fixed("what ReduceLROnPlateau watches: `test_loss`, `test_accuracy`, `train_loss`,"
                    + " `validation_loss` or `validation_accuracy`")
            .into(JobSpec.Builder::plateauMetric, s -> s.scheduler().metric());
    public static final JobOption<String> PLATEAU_MODE = option("--plateau-mode", String.class).oneOf(List.of("min", "max")).label("MODE")
            .value("min").fixed("ReduceLROnPlateau's `mode`: `min` or `max`")
            .into(JobSpec.Builder::plateauMode, s -> s.scheduler().mode());
    public static final JobOption<Double> FACTOR = option("--factor", Double.class).check(v -> v > 0 && v < 1, "expected a number between 0 and 1").label("X").value(0.1)
            .fixed("ReduceLROnPlateau's `factor`").into(JobSpec.Builder::factor, s -> s.scheduler().factor());
    public static final JobOption<Integer> PATIENCE = option("--patience", Integer.class).atLeast(0).label("N").value(10)
            .fixed("ReduceLROnPlateau's `patience`").into(JobSpec.Builder::patience, s -> s.scheduler().patience());
    public static final JobOption<Double> THRESHOLD = option("--threshold", Double.class).atLeastZero().label("X").value(1e-4)
            .fixed("ReduceLROnPlateau's `threshold`").into(JobSpec.Builder::threshold, s -> s.scheduler().threshold());
    public static final JobOption<String> THRESHOLD_MODE = option("--threshold-mode", String.class).oneOf(List.of("rel", "abs")).label("MODE")
            .value("rel").fixed("ReduceLROnPlateau's `threshold_mode`: `rel` or `abs`")
            .into(JobSpec.Builder::thresholdMode, s -> s.scheduler().thresholdMode());
    public static final JobOption<Integer> COOLDOWN = option("--cooldown", Integer.class).atLeast(0).label("N").value(0)
            .fixed("ReduceLROnPlateau's `cooldown`").into(JobSpec.Builder::cooldown, s -> s.scheduler().cooldown());
    public static final JobOption<Double> MIN_LR = option("--min-lr", Double.class).atLeastZero().label("X").value(0.0)
            .fixed("ReduceLROnPlateau's `min_lr`").into(JobSpec.Builder::minLr, s -> s.scheduler().minLr());
    public static final JobOption<String> LR_LAMBDA = option("--lr-lambda", String.class).label("EXPR")
            .fixed("LambdaLR's factor, an expression of `epoch` (0 for the first epoch, like PyTorch's), e.g."
                    + " `0.95^epoch`")
            .into(JobSpec.Builder::lrLambda, s -> s.scheduler().lambda());

    // Runs and results

    public static final JobOption<Long> SEED = option("--seed", Long.class).label("N").value(1L)
            .fixed("seeds initialisation, the per-epoch shuffle and dropout: same seed and workers, same run")
            .into(JobSpec.Builder::seed, JobSpec::seed);
    public static final JobOption<Integer> LOG_INTERVAL = option("--log-interval", Integer.class).atLeast(1).label("N").value(10)
            .changeable("minibatches (over all workers) between `Train Epoch` lines")
            .into(JobSpec.Builder::logInterval, JobSpec::logInterval);
    public static final JobOption<Boolean> DRY_RUN = option("--dry-run", Boolean.class).form(Form.FLAG).value(false)
            .changeable("one averaging round per epoch, to check a setup quickly")
            .into(JobSpec.Builder::dryRun, JobSpec::dryRun);
    public static final JobOption<String> SAVE_MODEL = option("--save-model", String.class).label("URI")
            .changeable("save the trained model (DL4J zip with updater state) to a Hadoop FileSystem URI, written"
                    + " under a temporary name and renamed when complete")
            .into(JobSpec.Builder::saveModel, JobSpec::saveModel);
    public static final JobOption<Integer> LIMIT_TRAIN = option("--limit-train", Integer.class).atLeast(0).label("N").value(0)
            .defaultText("all").fixed("train on the first N examples (before the validation split)")
            .into(JobSpec.Builder::limitTrain, s -> s.data().limitTrain());
    public static final JobOption<Integer> LIMIT_TEST = option("--limit-test", Integer.class).atLeast(0).label("N").value(0)
            .defaultText("all").changeable("evaluate on the first N test examples")
            .into(JobSpec.Builder::limitTest, s -> s.data().limitTest());
    public static final JobOption<Integer> AVERAGING_FREQUENCY = option("--averaging-frequency", Integer.class).atLeast(1)
            .label("K").value(5).fixed("minibatches each worker fits between two averages")
            .into(JobSpec.Builder::averagingFrequency, JobSpec::averagingFrequency);
    public static final JobOption<String> OPTIMIZER_STATE = option("--optimizer-state", String.class).oneOf(JobSpec.OPTIMIZER_STATES).label("MODE")
            .value("averaged").fixed("`averaged`: the optimiser state (momentum, Adam's moments, ...) is averaged"
                    + " every round with the parameters, so N workers equal the weighted mean of N local runs;"
                    + " `local`: only parameters are averaged each round (fewer bytes), each worker keeps its own"
                    + " state through the epoch and the states are averaged at its end (an epoch is then one segment)")
            .into(JobSpec.Builder::optimizerState, JobSpec::optimizerState);
    public static final JobOption<Double> SEGMENT_SECONDS = option("--segment-seconds", Double.class).check(v -> v >= 0 && !v.isInfinite(), "expected a number of seconds >= 0").label("S")
            .value(60.0).changeable("train about S seconds of rounds per Spark stage before the model comes back to"
                    + " the driver: the most training an executor lost costs; 0 for one round per stage")
            .into(JobSpec.Builder::segmentSeconds, JobSpec::segmentSeconds);
    public static final JobOption<String> CHECKPOINT_DIR = option("--checkpoint-dir", String.class).label("URI")
            .changeable("write a checkpoint after every epoch, on any Hadoop FileSystem (`hdfs://`, `file://`,"
                    + " `s3a://`)")
            .into(JobSpec.Builder::checkpointDir, JobSpec::checkpointDir);
    public static final JobOption<Integer> KEEP_LAST = option("--keep-last", Integer.class).atLeast(1).label("N").value(3)
            .changeable("checkpoints kept besides the best").into(JobSpec.Builder::keepLast, JobSpec::keepLast);
    public static final JobOption<String> KEEP_BEST = option("--keep-best", String.class).check(v -> v.equals("none") || Metric.NAMES.contains(v), "unknown, expected none or one of "
                    + Metric.NAMES).label("METRIC")
            .value("test_accuracy").changeable("also keep the best checkpoint by `test_accuracy`, `test_loss`,"
                    + " `train_loss`, `validation_loss` or `validation_accuracy`; `none` to keep only the last N")
            .into(JobSpec.Builder::keepBest, JobSpec::keepBest);
    public static final JobOption<Boolean> RESUME = option("--resume", Boolean.class).form(Form.FLAG).value(false)
            .run("continue from the newest valid checkpoint in `--checkpoint-dir` (start at epoch 1 if there is"
                    + " none); options not given are the checkpoint's, except where data is read and outputs are"
                    + " written: those are this command line's");
    public static final JobOption<String> RUN_DIR = option("--run-dir", String.class).label("URI")
            .changeable("write metrics there, any Hadoop FileSystem: JSON lines and TensorBoard event files")
            .into(JobSpec.Builder::runDir, JobSpec::runDir);

    // Trained models, for the commands that read them

    public static final JobOption<String> CHECKPOINT = option("--checkpoint", String.class).label("URI")
            .run("a checkpoint (`.../epoch-0003`), or a checkpoint directory for its newest valid checkpoint");
    public static final JobOption<String> SAVED_MODEL = option("--saved-model", String.class).label("URI")
            .run("a model saved by `--save-model` or `kindling checkpoints export`");
    public static final JobOption<String> OUTPUT = option("--output", String.class).label("URI")
            .run("where the command writes its result, any Hadoop FileSystem URI");
    public static final JobOption<List<String>> INPUT = listOf("--input", String.class).label("URI,...").value(List.of())
            .run("`predict`: tables of `--format` to score on Spark, as `model.transform` does (with `--output`)");
    public static final JobOption<String> OUTPUT_FORMAT = option("--output-format", String.class)
            .oneOf(List.of("parquet", "csv")).label("NAME").value("parquet")
            .run("`predict` on tables: `parquet` or `csv` (with a header)");

    /** `kindling train`'s options, in the order of its help and the README's table. */
    public static final List<JobOption<?>> TRAIN = List.of(MASTER, MODEL, MODEL_FILE, HIDDEN, LOSS, DATASET, DATA_DIR,
            TRAIN_DATA, TEST_DATA, FORMAT, TABLE, TEST_TABLE, WHERE, FEATURES, INPUT_SHAPE, HEADER, LABEL_COLUMN, DELIMITER, SKIP_ROWS, REGRESSION, IMAGE_SIZE, GRAYSCALE, TRANSFORMS,
            VALIDATION_SPLIT, DROP_LAST, CACHE, SKIP_BAD_RECORDS, MIRROR, DOWNLOAD, EPOCHS, BATCH_SIZE,
            TEST_BATCH_SIZE, OPTIMIZER, LR, MOMENTUM, NESTEROV, WEIGHT_DECAY, CLIP_GRAD_NORM, SCHEDULER, GAMMA,
            STEP_SIZE, MILESTONES, T_MAX, ETA_MIN, PLATEAU_METRIC, PLATEAU_MODE, FACTOR, PATIENCE, THRESHOLD,
            THRESHOLD_MODE, COOLDOWN, MIN_LR, LR_LAMBDA, SEED, LOG_INTERVAL, DRY_RUN, SAVE_MODEL, LIMIT_TRAIN,
            LIMIT_TEST, WORKERS, AVERAGING_FREQUENCY, OPTIMIZER_STATE, SEGMENT_SECONDS, CHECKPOINT_DIR, KEEP_LAST,
            KEEP_BEST, RESUME, RUN_DIR);

    /** Every declared option: `kindling train`'s and those of the commands that read trained models. */
    public static final List<JobOption<?>> ALL = java.util.stream.Stream.concat(TRAIN.stream(),
            java.util.stream.Stream.of(CHECKPOINT, SAVED_MODEL, OUTPUT, INPUT, OUTPUT_FORMAT)).toList();

    /** A spec of every option's default (dataset directories and learning rates left to the job). */
    static void applyDefaults(JobSpec.Builder builder) {
        for (JobOption<?> option : TRAIN) {
            if (option.saved()) {
                option.applyParsed(builder, option.defaultValue());
            }
        }
    }

    /** Checks every saved option's value in {@code spec}: a spec built, or read from a checkpoint. */
    public static JobSpec checked(JobSpec spec) {
        for (JobOption<?> option : TRAIN) {
            if (option.saved()) {
                option.checkIn(spec);
            }
        }
        return spec;
    }

    /** Parses {@code HxW}, such as 32x32. */
    static int[] imageSize(String text) {
        String[] parts = text.toLowerCase(Locale.ROOT).split("x");
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

    private static <T> Declaration<T> option(String name, Class<T> type) {
        return new Declaration<>(name, type, Form.VALUE);
    }

    /** An option of comma-separated values of {@code element}. */
    private static <E> Declaration<List<E>> listOf(String name, Class<E> element) {
        return new Declaration<>(name, element, Form.LIST);
    }

    /** The parts of an option's declaration, in the order they read best. */
    private static final class Declaration<T> {
        private final String name;
        private final Class<?> type;
        private Form form;
        private String label;
        private T defaultValue;
        private String defaultText;
        private String meaning;
        private Resume resume;
        private Predicate<T> valid;
        private String expected;

        Declaration(String name, Class<?> type, Form form) {
            this.name = name;
            this.type = type;
            this.form = form;
        }

        Declaration<T> form(Form f) {
            form = f;
            return this;
        }

        Declaration<T> label(String l) {
            label = l;
            return this;
        }

        Declaration<T> value(T v) {
            defaultValue = v;
            return this;
        }

        Declaration<T> defaultText(String t) {
            defaultText = t;
            return this;
        }

        /** Valid values are those {@code test} accepts; {@code expected} says which, in errors. */
        Declaration<T> check(Predicate<T> test, String expectedText) {
            valid = test;
            expected = expectedText;
            return this;
        }

        /** An integer option whose values are at least {@code min}. */
        Declaration<T> atLeast(long min) {
            return check(v -> ((Number) v).longValue() >= min, "expected an integer >= " + min);
        }

        /** A number option whose values are positive and finite. */
        Declaration<T> positive() {
            return check(v -> ((Number) v).doubleValue() > 0 && Double.isFinite(((Number) v).doubleValue()),
                    "expected a positive number");
        }

        /** A number option whose values are finite and not negative. */
        Declaration<T> atLeastZero() {
            return check(v -> ((Number) v).doubleValue() >= 0 && Double.isFinite(((Number) v).doubleValue()),
                    "expected a number >= 0");
        }

        Declaration<T> oneOf(List<String> names) {
            return check(names::contains, "unknown, expected one of " + names);
        }

        Declaration<T> changeable(String m) {
            return classified(Resume.CHANGEABLE, m);
        }

        Declaration<T> fixed(String m) {
            return classified(Resume.FIXED, m);
        }

        /** An option of one run, never saved. */
        JobOption<T> run(String m) {
            return new JobOption<>(name, type, form, label, defaultValue, defaultText, m, Resume.RUN, valid, expected,
                    null, null, false);
        }

        JobOption<T> into(BiConsumer<JobSpec.Builder, T> apply, Function<JobSpec, T> read) {
            return new JobOption<>(name, type, form, label, defaultValue, defaultText, meaning, resume, valid, expected,
                    apply, read, false);
        }

        private Declaration<T> classified(Resume r, String m) {
            resume = r;
            meaning = m;
            return this;
        }
    }
}
