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

    public JobSpec {
        hidden = List.copyOf(hidden);
        optimizerState = optimizerState == null ? JobOptions.OPTIMIZER_STATE.defaultValue() : optimizerState;
        segmentSeconds = segmentSeconds == null ? JobOptions.SEGMENT_SECONDS.defaultValue() : segmentSeconds;
        if ((model == null) == (modelFile == null)) {
            throw new IllegalArgumentException("--model and --model-file: expected exactly one of them");
        }
        for (String metric : List.of(keepBest, scheduler.name().equals("plateau") ? scheduler.metric() : "")) {
            if (metric.startsWith("validation_") && data.validationSplit() == 0) {
                throw new IllegalArgumentException(metric + ": needs --validation-split");
            }
        }
    }

    /** The model's name in logs: the zoo name or the model file. */
    public String modelName() {
        if (model != null) {
            return model;
        }
        return inlineSpec(modelFile) ? "a model spec given inline" : modelFile;
    }

    /**
     * Whether a `--model-file` value is a spec itself rather than a URI of one: it spans lines or is a
     * JSON or flow-style YAML object, which no URI does. The Spark ML API takes either in one param.
     */
    public static boolean inlineSpec(String value) {
        String v = value.strip();
        return v.contains("\n") || v.startsWith("{");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding every option of this spec. */
    public Builder toBuilder() {
        Builder b = new Builder();
        for (JobOption<?> option : JobOptions.TRAIN) {
            if (option.saved()) {
                option.applyParsed(b, option.read(this));
            }
        }
        return b;
    }

    /**
     * Builds a spec; every option starts at its declared default ({@link JobOptions}), the defaults of
     * the pytorch/examples MNIST script. A learning rate or weight decay left unset takes the
     * optimiser's default.
     */
    public static final class Builder {
        private String model;
        private String modelFile;
        private List<Integer> hidden;
        private String loss;
        private String dataset;
        private String dataDir;
        private List<String> mirrors;
        private boolean download;
        private List<String> trainData;
        private List<String> testData;
        private boolean csvHeader;
        private String labelColumn;
        private String delimiter;
        private int skipRows;
        private boolean regression;
        private int imageHeight;
        private int imageWidth;
        private boolean grayscale;
        private String transforms;
        private double validationSplit;
        private boolean dropLast;
        private String cache;
        private boolean skipBadRecords;
        private String format;
        private String table;
        private String testTable;
        private String where;
        private List<String> features;
        private String inputShape;
        private int epochs;
        private int batchSize;
        private int testBatchSize;
        private String optimizer;
        private double lr;
        private double momentum;
        private boolean nesterov;
        private double weightDecay;
        private double clipGradNorm;
        private String schedulerName;
        private double gamma;
        private int stepSize;
        private List<Integer> milestones;
        private int tMax;
        private double etaMin;
        private String plateauMode;
        private double factor;
        private int patience;
        private double threshold;
        private String thresholdMode;
        private int cooldown;
        private double minLr;
        private String plateauMetric;
        private String lrLambda;
        private long seed;
        private int logInterval;
        private boolean dryRun;
        private String saveModel;
        private int limitTrain;
        private int limitTest;
        private int workers;
        private int averagingFrequency;
        private String optimizerState;
        private double segmentSeconds;
        private String checkpointDir;
        private int keepLast;
        private String keepBest;
        private String runDir;

        private Builder() {
            JobOptions.applyDefaults(this);
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
        public Builder skipRows(int v) { skipRows = v; return this; }
        public Builder regression(boolean v) { regression = v; return this; }
        public Builder imageSize(int height, int width) { imageHeight = height; imageWidth = width; return this; }
        public Builder grayscale(boolean v) { grayscale = v; return this; }
        public Builder transforms(String v) { transforms = v; return this; }
        public Builder validationSplit(double v) { validationSplit = v; return this; }
        public Builder dropLast(boolean v) { dropLast = v; return this; }
        public Builder cache(String v) { cache = v; return this; }
        public Builder skipBadRecords(boolean v) { skipBadRecords = v; return this; }
        public Builder format(String v) { format = v; return this; }
        public Builder table(String v) { table = v; return this; }
        public Builder testTable(String v) { testTable = v; return this; }
        public Builder where(String v) { where = v; return this; }
        public Builder features(List<String> v) { features = v; return this; }
        public Builder inputShape(String v) { inputShape = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder testBatchSize(int v) { testBatchSize = v; return this; }
        public Builder optimizer(String v) { optimizer = v; return this; }
        public Builder lr(double v) { lr = v; return this; }
        public Builder momentum(double v) { momentum = v; return this; }
        public Builder nesterov(boolean v) { nesterov = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder clipGradNorm(double v) { clipGradNorm = v; return this; }
        /** Every scheduler option from {@code v}. */
        public Builder scheduler(SchedulerSpec v) {
            schedulerName = v.name();
            gamma = v.gamma();
            stepSize = v.stepSize();
            milestones = v.milestones();
            tMax = v.tMax();
            etaMin = v.etaMin();
            plateauMode = v.mode();
            factor = v.factor();
            patience = v.patience();
            threshold = v.threshold();
            thresholdMode = v.thresholdMode();
            cooldown = v.cooldown();
            minLr = v.minLr();
            plateauMetric = v.metric();
            lrLambda = v.lambda();
            return this;
        }
        public Builder schedulerName(String v) { schedulerName = v; return this; }
        public Builder gamma(double v) { gamma = v; return this; }
        public Builder stepSize(int v) { stepSize = v; return this; }
        public Builder milestones(List<Integer> v) { milestones = v; return this; }
        public Builder tMax(int v) { tMax = v; return this; }
        public Builder etaMin(double v) { etaMin = v; return this; }
        public Builder plateauMode(String v) { plateauMode = v; return this; }
        public Builder factor(double v) { factor = v; return this; }
        public Builder patience(int v) { patience = v; return this; }
        public Builder threshold(double v) { threshold = v; return this; }
        public Builder thresholdMode(String v) { thresholdMode = v; return this; }
        public Builder cooldown(int v) { cooldown = v; return this; }
        public Builder minLr(double v) { minLr = v; return this; }
        public Builder plateauMetric(String v) { plateauMetric = v; return this; }
        public Builder lrLambda(String v) { lrLambda = v; return this; }
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
        this.skipRows = d.skipRows();
        this.regression = d.regression();
        this.imageHeight = d.imageHeight();
        this.imageWidth = d.imageWidth();
        this.grayscale = d.grayscale();
        this.transforms = d.transforms();
        this.validationSplit = d.validationSplit();
        this.dropLast = d.dropLast();
        this.cache = d.cache();
        this.skipBadRecords = d.skipBadRecords();
        this.format = d.table().format();
        this.table = d.table().table();
        this.testTable = d.table().testTable();
        this.where = d.table().where();
        this.features = d.table().features();
        this.inputShape = d.table().inputShape();
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
                    cache, skipBadRecords, limitTrain, limitTest,
                    new TableSpec(format, table, testTable, where, features, inputShape), skipRows);
            SchedulerSpec scheduler = new SchedulerSpec(schedulerName, gamma, stepSize, milestones, tMax, etaMin,
                    plateauMode, factor, patience, threshold, thresholdMode, cooldown, minLr, plateauMetric, lrLambda);
            return JobOptions.checked(new JobSpec(model, modelFile, hidden, loss, d, epochs, batchSize, testBatchSize,
                    o, scheduler, seed, logInterval, dryRun, saveModel, workers, averagingFrequency, optimizerState,
                    segmentSeconds, checkpointDir, keepLast, keepBest, runDir));
        }
    }
}
