package io.kindling.driver.job;

import java.io.Serializable;
import java.util.List;

/**
 * Everything that defines a training job, as the user gave it (defaults resolved). Printed when the
 * job starts and saved in every checkpoint.
 *
 * @param model              a model of the zoo, or null when {@code modelFile} is given
 * @param modelFile          a model spec (YAML/JSON) or DL4J configuration JSON, or null
 * @param hidden             layer widths of the mlp model
 * @param loss               nll, cross_entropy or mse, overriding the model's; null for the model's own
 * @param workers            partitions = concurrent local models; 0 means Spark's default parallelism
 * @param averagingFrequency minibatches each worker fits between two averages (k)
 * @param optimizerState     "averaged": the optimiser state is averaged every round with the parameters;
 *                           "local": each worker keeps its own through an epoch, averaged at its end
 * @param segmentSeconds     target length of a training segment, the most an executor lost costs
 *                           (null in checkpoints older than the option: the default)
 * @param checkpointDir      where a checkpoint is written after every epoch; null for none
 * @param keepLast           checkpoints kept besides the best
 * @param keepBest           the metric whose best checkpoint is kept too, or "none"
 * @param runDir             where metrics (JSON lines, TensorBoard events) are written; null for none
 */
public record JobSpec(String model, String modelFile, List<Integer> hidden, String loss, DataSpec data, int epochs,
                      int batchSize, int testBatchSize, OptimizerSpec optimizer, SchedulerSpec scheduler, long seed,
                      int logInterval, boolean dryRun, String saveModel, int workers, int averagingFrequency,
                      String optimizerState, Double segmentSeconds, String checkpointDir, int keepLast,
                      String keepBest, String runDir) implements Serializable {
    /** The losses `--loss` and model specs name: NLL on log-softmax, cross-entropy on logits, MSE. */
    public static final List<String> LOSSES = List.of("nll", "cross_entropy", "mse");
    public static final List<String> OPTIMIZER_STATES = List.of("averaged", "local");
    public static final double DEFAULT_SEGMENT_SECONDS = 60;

    public JobSpec {
        hidden = List.copyOf(hidden);
        optimizerState = optimizerState == null ? OPTIMIZER_STATES.get(0) : optimizerState;
        segmentSeconds = segmentSeconds == null ? DEFAULT_SEGMENT_SECONDS : segmentSeconds;
        if (!OPTIMIZER_STATES.contains(optimizerState)) {
            throw new IllegalArgumentException("--optimizer-state " + optimizerState + ": expected one of "
                    + OPTIMIZER_STATES);
        }
        if (!(segmentSeconds >= 0) || segmentSeconds.isInfinite()) {
            throw new IllegalArgumentException("--segment-seconds " + segmentSeconds + ": expected a number of seconds >= 0");
        }
        if ((model == null) == (modelFile == null)) {
            throw new IllegalArgumentException("--model and --model-file: expected exactly one of them");
        }
        if (loss != null && !LOSSES.contains(loss)) {
            throw new IllegalArgumentException("--loss " + loss + ": unknown, expected one of " + LOSSES);
        }
        atLeast("--epochs", epochs, 1);
        atLeast("--batch-size", batchSize, 1);
        atLeast("--test-batch-size", testBatchSize, 1);
        atLeast("--log-interval", logInterval, 1);
        atLeast("--workers", workers, 0);
        atLeast("--averaging-frequency", averagingFrequency, 1);
        atLeast("--keep-last", keepLast, 1);
        if (!"none".equals(keepBest) && !Metric.NAMES.contains(keepBest)) {
            throw new IllegalArgumentException("--keep-best " + keepBest + ": unknown, expected none or one of "
                    + Metric.NAMES);
        }
        for (String metric : List.of(keepBest, scheduler.name().equals("plateau") ? scheduler.metric() : "")) {
            if (metric.startsWith("validation_") && data.validationSplit() == 0) {
                throw new IllegalArgumentException(metric + ": needs --validation-split");
            }
        }
    }

    private static void atLeast(String option, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(option + " " + value + ": expected an integer >= " + min);
        }
    }

    /** The model's name in logs: the zoo name or the model file. */
    public String modelName() {
        return model != null ? model : modelFile;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.model = model;
        b.modelFile = modelFile;
        b.hidden = hidden;
        b.loss = loss;
        b.data(data);
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.testBatchSize = testBatchSize;
        b.optimizer = optimizer.name();
        b.lr = optimizer.lr();
        b.momentum = optimizer.momentum();
        b.nesterov = optimizer.nesterov();
        b.weightDecay = optimizer.weightDecay();
        b.clipGradNorm = optimizer.clipGradNorm();
        b.scheduler = scheduler;
        b.seed = seed;
        b.logInterval = logInterval;
        b.dryRun = dryRun;
        b.saveModel = saveModel;
        b.workers = workers;
        b.averagingFrequency = averagingFrequency;
        b.optimizerState = optimizerState;
        b.segmentSeconds = segmentSeconds;
        b.checkpointDir = checkpointDir;
        b.keepLast = keepLast;
        b.keepBest = keepBest;
        b.runDir = runDir;
        return b;
    }

    /**
     * Builds a spec from the defaults of the pytorch/examples MNIST script (the CLI's defaults). A
     * learning rate or weight decay left unset takes the optimiser's default.
     */
    public static final class Builder {
        private String model = "mnist-cnn";
        private String modelFile;
        private List<Integer> hidden = List.of(256, 128);
        private String loss;
        private String dataset = "mnist";
        private String dataDir;
        private List<String> mirrors = List.of();
        private boolean download = true;
        private List<String> trainData = List.of();
        private List<String> testData = List.of();
        private boolean csvHeader = true;
        private String labelColumn;
        private String delimiter = ",";
        private boolean regression;
        private int imageHeight;
        private int imageWidth;
        private boolean grayscale;
        private String transforms;
        private double validationSplit;
        private boolean dropLast;
        private String cache = "memory";
        private boolean skipBadRecords;
        private int epochs = 14;
        private int batchSize = 64;
        private int testBatchSize = 1000;
        private String optimizer = "adadelta";
        private double lr = Double.NaN;
        private double momentum;
        private boolean nesterov;
        private double weightDecay = Double.NaN;
        private double clipGradNorm;
        private SchedulerSpec scheduler = defaultScheduler();
        private long seed = 1;
        private int logInterval = 10;
        private boolean dryRun;
        private String saveModel;
        private int limitTrain;
        private int limitTest;
        private int workers;
        private int averagingFrequency = 5;
        private String optimizerState = OPTIMIZER_STATES.get(0);
        private double segmentSeconds = DEFAULT_SEGMENT_SECONDS;
        private String checkpointDir;
        private int keepLast = 3;
        private String keepBest = Metric.TEST_ACCURACY.key();
        private String runDir;

        /** The seed's StepLR(step_size=1, gamma=0.7), with PyTorch's defaults for every other scheduler. */
        public static SchedulerSpec defaultScheduler() {
            return new SchedulerSpec("step", 0.7, 1, List.of(), 0, 0, "min", 0.1, 10, 1e-4, "rel", 0, 0,
                    Metric.TEST_LOSS.key(), null);
        }

        public Builder model(String v) { model = v; return this; }
        public Builder modelFile(String v) {
            modelFile = v;
            if (v != null) {
                model = null;
            }
            return this;
        }
        public Builder hidden(List<Integer> v) { hidden = v; return this; }
        public Builder loss(String v) { loss = v; return this; }
        public Builder dataset(String v) { dataset = v; return this; }
        public Builder dataDir(String v) { dataDir = v; return this; }
        public Builder mirrors(List<String> v) { mirrors = v; return this; }
        public Builder download(boolean v) { download = v; return this; }
        public Builder trainData(List<String> v) { trainData = v; return this; }
        public Builder testData(List<String> v) { testData = v; return this; }
        public Builder csvHeader(boolean v) { csvHeader = v; return this; }
        public Builder labelColumn(String v) { labelColumn = v; return this; }
        public Builder delimiter(String v) { delimiter = v; return this; }
        public Builder regression(boolean v) { regression = v; return this; }
        public Builder imageSize(int height, int width) { imageHeight = height; imageWidth = width; return this; }
        public Builder grayscale(boolean v) { grayscale = v; return this; }
        public Builder transforms(String v) { transforms = v; return this; }
        public Builder validationSplit(double v) { validationSplit = v; return this; }
        public Builder dropLast(boolean v) { dropLast = v; return this; }
        public Builder cache(String v) { cache = v; return this; }
        public Builder skipBadRecords(boolean v) { skipBadRecords = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder testBatchSize(int v) { testBatchSize = v; return this; }
        public Builder optimizer(String v) { optimizer = v; return this; }
        public Builder lr(double v) { lr = v; return this; }
        public Builder momentum(double v) { momentum = v; return this; }
        public Builder nesterov(boolean v) { nesterov = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder clipGradNorm(double v) { clipGradNorm = v; return this; }
        public Builder scheduler(SchedulerSpec v) { scheduler = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder logInterval(int v) { logInterval = v; return this; }
        public Builder dryRun(boolean v) { dryRun = v; return this; }
        public Builder saveModel(String v) { saveModel = v; return this; }
        public Builder limitTrain(int v) { limitTrain = v; return this; }
        public Builder limitTest(int v) { limitTest = v; return this; }
        public Builder workers(int v) { workers = v; return this; }
        public Builder averagingFrequency(int v) { averagingFrequency = v; return this; }
        public Builder optimizerState(String v) { optimizerState = v; return this; }
        public Builder segmentSeconds(double v) { segmentSeconds = v; return this; }
        public Builder checkpointDir(String v) { checkpointDir = v; return this; }
        public Builder keepLast(int v) { keepLast = v; return this; }
        public Builder keepBest(String v) { keepBest = v; return this; }
        public Builder runDir(String v) { runDir = v; return this; }

        /** Every data option from {@code d}. */
        public Builder data(DataSpec d) {
        this.dataset = d.dataset();
        this.dataDir = d.dir();
        this.mirrors = d.mirrors();
        this.download = d.download();
        this.trainData = d.trainData();
        this.testData = d.testData();
        this.csvHeader = d.csvHeader();
        this.labelColumn = d.labelColumn();
        this.delimiter = d.delimiter();
        this.regression = d.regression();
        this.imageHeight = d.imageHeight();
        this.imageWidth = d.imageWidth();
        this.grayscale = d.grayscale();
        this.transforms = d.transforms();
        this.validationSplit = d.validationSplit();
        this.dropLast = d.dropLast();
        this.cache = d.cache();
        this.skipBadRecords = d.skipBadRecords();
        this.limitTrain = d.limitTrain();
        this.limitTest = d.limitTest();
            return this;
        }

        public JobSpec build() {
            OptimizerSpec o = new OptimizerSpec(optimizer,
                    Double.isNaN(lr) ? OptimizerSpec.defaultLearningRate(optimizer) : lr, momentum, nesterov,
                    Double.isNaN(weightDecay) ? OptimizerSpec.defaultWeightDecay(optimizer) : weightDecay, clipGradNorm);
            DataSpec d = new DataSpec(dataset, dataDir, mirrors, download, trainData, testData, csvHeader, labelColumn,
                    delimiter, regression, imageHeight, imageWidth, grayscale, transforms, validationSplit, dropLast,
                    cache, skipBadRecords, limitTrain, limitTest);
            return new JobSpec(model, modelFile, hidden, loss, d, epochs, batchSize, testBatchSize, o, scheduler, seed,
                    logInterval, dryRun, saveModel, workers, averagingFrequency, optimizerState, segmentSeconds,
                    checkpointDir, keepLast, keepBest, runDir);
        }
    }
}
