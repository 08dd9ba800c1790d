package io.kindling.ml;

import io.kindling.driver.data.Datasets;
import io.kindling.driver.job.JobOption;
import io.kindling.driver.job.JobOptions;
import io.kindling.driver.job.JobSpec;
import io.kindling.driver.job.OptimizerSpec;
import io.kindling.driver.model.ModelZoo;
import io.kindling.driver.schedule.LrSchedule;
import io.kindling.driver.train.TrainedNetwork;
import io.kindling.driver.train.TrainingJob;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * What {@link KindlingClassifier} and {@link KindlingRegressor} share: the columns, the model, and
 * every training option of `kindling train` as a Spark ML param of the same meaning, default and check
 * ({@link OptionParam}). {@code fit} runs the same training job as the command line, on the given
 * DataFrame's features and label columns.
 *
 * @param <E> the estimator, for fluent setters
 * @param <M> the model {@code fit} returns
 */
public abstract class KindlingEstimator<E extends KindlingEstimator<E, M>, M extends Model<M>> extends Estimator<M>
        implements MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Map<String, OptionParam> bound = new LinkedHashMap<>();

    private final Param<String> featuresCol;
    private final Param<String> labelCol;
    private final Param<String> predictionCol;
    private final Param<String> model;
    private final IntArrayParam hidden;
    private final Param<String> loss;
    private final Param<String> inputShape;
    private final Param<String> imageSize;
    private final BooleanParam grayscale;
    private final Param<String> transforms;
    private final DoubleParam validationSplit;
    private final BooleanParam dropLast;
    private final Param<String> cache;
    private final BooleanParam skipBadRecords;
    private final IntParam epochs;
    private final IntParam batchSize;
    private final IntParam testBatchSize;
    private final Param<String> optimizer;
    private final DoubleParam lr;
    private final DoubleParam momentum;
    private final BooleanParam nesterov;
    private final DoubleParam weightDecay;
    private final DoubleParam clipGradNorm;
    private final Param<String> scheduler;
    private final DoubleParam gamma;
    private final IntParam stepSize;
    private final IntArrayParam milestones;
    private final IntParam tMax;
    private final DoubleParam etaMin;
    private final Param<String> plateauMetric;
    private final Param<String> plateauMode;
    private final DoubleParam factor;
    private final IntParam patience;
    private final DoubleParam threshold;
    private final Param<String> thresholdMode;
    private final IntParam cooldown;
    private final DoubleParam minLr;
    private final Param<String> lrLambda;
    private final LongParam seed;
    private final IntParam logInterval;
    private final BooleanParam dryRun;
    private final IntParam limitTrain;
    private final IntParam workers;
    private final IntParam averagingFrequency;
    private final Param<String> optimizerState;
    private final DoubleParam segmentSeconds;
    private final Param<String> checkpointDir;
    private final IntParam keepLast;
    private final Param<String> keepBest;
    private final BooleanParam resume;
    private final Param<String> runDir;

    protected KindlingEstimator(String uid) {
        this.uid = uid; // before the params, which name their owner's uid
        featuresCol = new Param<>(this, "featuresCol", "features column: a vector, an array of"
            + " numbers, numeric, binary (encoded images) or image column");
        labelCol = new Param<>(this, "labelCol", "label column");
        predictionCol = new Param<>(this, "predictionCol", "prediction column name");
        model = new Param<>(this, "model", "the model: a zoo model's name (kindling models"
            + " lists them), the URI of a model spec (YAML or JSON) or DL4J configuration JSON, or such a spec itself",
            (String v) -> !v.isBlank());
        hidden = bind(JobOptions.HIDDEN);
        loss = bind(JobOptions.LOSS);
        inputShape = bind(JobOptions.INPUT_SHAPE);
        imageSize = bind(JobOptions.IMAGE_SIZE);
        grayscale = bind(JobOptions.GRAYSCALE);
        transforms = bind(JobOptions.TRANSFORMS);
        validationSplit = bind(JobOptions.VALIDATION_SPLIT);
        dropLast = bind(JobOptions.DROP_LAST);
        cache = bind(JobOptions.CACHE);
        skipBadRecords = bind(JobOptions.SKIP_BAD_RECORDS);
        epochs = bind(JobOptions.EPOCHS);
        batchSize = bind(JobOptions.BATCH_SIZE);
        testBatchSize = bind(JobOptions.TEST_BATCH_SIZE);
        optimizer = bind(JobOptions.OPTIMIZER);
        lr = bind(JobOptions.LR);
        momentum = bind(JobOptions.MOMENTUM);
        nesterov = bind(JobOptions.NESTEROV);
        weightDecay = bind(JobOptions.WEIGHT_DECAY);
        clipGradNorm = bind(JobOptions.CLIP_GRAD_NORM);
        scheduler = bind(JobOptions.SCHEDULER);
        gamma = bind(JobOptions.GAMMA);
        stepSize = bind(JobOptions.STEP_SIZE);
        milestones = bind(JobOptions.MILESTONES);
        tMax = bind(JobOptions.T_MAX);
        etaMin = bind(JobOptions.ETA_MIN);
        plateauMetric = bind(JobOptions.PLATEAU_METRIC);
        plateauMode = bind(JobOptions.PLATEAU_MODE);
        factor = bind(JobOptions.FACTOR);
        patience = bind(JobOptions.PATIENCE);
        threshold = bind(JobOptions.THRESHOLD);
        thresholdMode = bind(JobOptions.THRESHOLD_MODE);
        cooldown = bind(JobOptions.COOLDOWN);
        minLr = bind(JobOptions.MIN_LR);
        lrLambda = bind(JobOptions.LR_LAMBDA);
        seed = bind(JobOptions.SEED);
        logInterval = bind(JobOptions.LOG_INTERVAL);
        dryRun = bind(JobOptions.DRY_RUN);
        limitTrain = bind(JobOptions.LIMIT_TRAIN);
        workers = bind(JobOptions.WORKERS);
        averagingFrequency = bind(JobOptions.AVERAGING_FREQUENCY);
        optimizerState = bind(JobOptions.OPTIMIZER_STATE);
        segmentSeconds = bind(JobOptions.SEGMENT_SECONDS);
        checkpointDir = bind(JobOptions.CHECKPOINT_DIR);
        keepLast = bind(JobOptions.KEEP_LAST);
        keepBest = bind(JobOptions.KEEP_BEST);
        resume = bind(JobOptions.RESUME);
        runDir = bind(JobOptions.RUN_DIR);
    }

    /**
     * Sets the defaults; called last by each concrete constructor, once every param exists (Spark
     * lists a class's params by reflection when the first default is set).
     */
    protected void setDefaults() {
        setDefault(featuresCol, "features");
        setDefault(labelCol, "label");
        setDefault(predictionCol, "prediction");
        setDefault(model, "mlp");
        for (OptionParam p : bound.values()) {
            if (p.defaultValue() != null) {
                setDefaultValue(p.param(), p.defaultValue());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private <T> void setDefaultValue(Param<T> param, Object value) {
        setDefault(param, (T) value);
    }

    @SuppressWarnings("unchecked")
    private <P extends Param<?>> P bind(JobOption<?> option) {
        OptionParam p = OptionParam.of(this, option);
        bound.put(p.param().name(), p);
        return (P) p.param();
    }

    @SuppressWarnings("unchecked")
    protected final E self() {
        return (E) this;
    }

    /** Sets a bound param, checked as the command line checks its option. */
    @SuppressWarnings("unchecked")
    private E put(Param<?> param, Object value) {
        set((Param<Object>) param, bound.get(param.name()).checked(value));
        return self();
    }

    @Override
    public String uid() {
        return uid;
    }

    /** Whether the label is a number to predict, not a class. */
    abstract boolean regression();

    /** The model of a finished training job, before the estimator's params are copied into it. */
    abstract M model(String uid, TrainedNetwork trained);

    public final Param<String> featuresCol() { return featuresCol; }
    public E setFeaturesCol(String value) { set(featuresCol, value); return self(); }
    public String getFeaturesCol() { return getOrDefault(featuresCol); }

    public final Param<String> labelCol() { return labelCol; }
    public E setLabelCol(String value) { set(labelCol, value); return self(); }
    public String getLabelCol() { return getOrDefault(labelCol); }

    public final Param<String> predictionCol() { return predictionCol; }
    public E setPredictionCol(String value) { set(predictionCol, value); return self(); }
    public String getPredictionCol() { return getOrDefault(predictionCol); }

    public final Param<String> model() { return model; }
    /** A zoo model's name, the URI of a model spec or DL4J configuration JSON, or such a spec itself. */
    public E setModel(String value) { set(model, value); return self(); }
    public String getModel() { return getOrDefault(model); }

    /** {@code setHidden(256, 128)}: the hidden layer widths of {@code mlp}. */
    public E setHidden(int first, int... more) {
        int[] widths = new int[more.length + 1];
        widths[0] = first;
        System.arraycopy(more, 0, widths, 1, more.length);
        return setHidden(widths);
    }

    public final IntArrayParam hidden() { return hidden; }
    public E setHidden(int[] value) { return put(hidden, value); }
    public int[] getHidden() { return (int[]) getOrDefault(hidden); }

    public final Param<String> loss() { return loss; }
    public E setLoss(String value) { return put(loss, value); }
    /** The value, or null when not set. */
    public String getLoss() { return isDefined(loss) ? getOrDefault(loss) : null; }

    public final Param<String> inputShape() { return inputShape; }
    public E setInputShape(String value) { return put(inputShape, value); }
    /** The value, or null when not set. */
    public String getInputShape() { return isDefined(inputShape) ? getOrDefault(inputShape) : null; }

    public final Param<String> imageSize() { return imageSize; }
    public E setImageSize(String value) { return put(imageSize, value); }
    /** The value, or null when not set. */
    public String getImageSize() { return isDefined(imageSize) ? getOrDefault(imageSize) : null; }

    public final BooleanParam grayscale() { return grayscale; }
    public E setGrayscale(boolean value) { return put(grayscale, value); }
    public boolean getGrayscale() { return (Boolean) getOrDefault(grayscale); }

    public final Param<String> transforms() { return transforms; }
    public E setTransforms(String value) { return put(transforms, value); }
    /** The value, or null when not set. */
    public String getTransforms() { return isDefined(transforms) ? getOrDefault(transforms) : null; }

    public final DoubleParam validationSplit() { return validationSplit; }
    public E setValidationSplit(double value) { return put(validationSplit, value); }
    public double getValidationSplit() { return (Double) getOrDefault(validationSplit); }

    public final BooleanParam dropLast() { return dropLast; }
    public E setDropLast(boolean value) { return put(dropLast, value); }
    public boolean getDropLast() { return (Boolean) getOrDefault(dropLast); }

    public final Param<String> cache() { return cache; }
    public E setCache(String value) { return put(cache, value); }
    public String getCache() { return (String) getOrDefault(cache); }

    public final BooleanParam skipBadRecords() { return skipBadRecords; }
    public E setSkipBadRecords(boolean value) { return put(skipBadRecords, value); }
    public boolean getSkipBadRecords() { return (Boolean) getOrDefault(skipBadRecords); }

    public final IntParam epochs() { return epochs; }
    public E setEpochs(int value) { return put(epochs, value); }
    public int getEpochs() { return (Integer) getOrDefault(epochs); }

    public final IntParam batchSize() { return batchSize; }
    public E setBatchSize(int value) { return put(batchSize, value); }
    public int getBatchSize() { return (Integer) getOrDefault(batchSize); }

    public final IntParam testBatchSize() { return testBatchSize; }
    public E setTestBatchSize(int value) { return put(testBatchSize, value); }
    public int getTestBatchSize() { return (Integer) getOrDefault(testBatchSize); }

    public final Param<String> optimizer() { return optimizer; }
    public E setOptimizer(String value) { return put(optimizer, value); }
    public String getOptimizer() { return (String) getOrDefault(optimizer); }

    public final DoubleParam lr() { return lr; }
    public E setLr(double value) { return put(lr, value); }
    /** The learning rate, the optimiser's default when not set. */
    public double getLr() { return isDefined(lr) ? (Double) getOrDefault(lr) : OptimizerSpec.defaultLearningRate(getOptimizer()); }

    public final DoubleParam momentum() { return momentum; }
    public E setMomentum(double value) { return put(momentum, value); }
    public double getMomentum() { return (Double) getOrDefault(momentum); }

    public final BooleanParam nesterov() { return nesterov; }
    public E setNesterov(boolean value) { return put(nesterov, value); }
    public boolean getNesterov() { return (Boolean) getOrDefault(nesterov); }

    public final DoubleParam weightDecay() { return weightDecay; }
    public E setWeightDecay(double value) { return put(weightDecay, value); }
    /** The weight decay, the optimiser's default when not set. */
    public double getWeightDecay() {
        return isDefined(weightDecay) ? (Double) getOrDefault(weightDecay) : OptimizerSpec.defaultWeightDecay(getOptimizer());
    }

    public final DoubleParam clipGradNorm() { return clipGradNorm; }
    public E setClipGradNorm(double value) { return put(clipGradNorm, value); }
    public double getClipGradNorm() { return (Double) getOrDefault(clipGradNorm); }

    public final Param<String> scheduler() { return scheduler; }
    public E setScheduler(String value) { return put(scheduler, value); }
    public String getScheduler() { return (String) getOrDefault(scheduler); }

    public final DoubleParam gamma() { return gamma; }
    public E setGamma(double value) { return put(gamma, value); }
    public double getGamma() { return (Double) getOrDefault(gamma); }

    public final IntParam stepSize() { return stepSize; }
    public E setStepSize(int value) { return put(stepSize, value); }
    public int getStepSize() { return (Integer) getOrDefault(stepSize); }

    public final IntArrayParam milestones() { return milestones; }
    public E setMilestones(int[] value) { return put(milestones, value); }
    public int[] getMilestones() { return (int[]) getOrDefault(milestones); }

    public final IntParam tMax() { return tMax; }
    public E setTMax(int value) { return put(tMax, value); }
    public int getTMax() { return (Integer) getOrDefault(tMax); }

    public final DoubleParam etaMin() { return etaMin; }
    public E setEtaMin(double value) { return put(etaMin, value); }
    public double getEtaMin() { return (Double) getOrDefault(etaMin); }

    public final Param<String> plateauMetric() { return plateauMetric; }
    public E setPlateauMetric(String value) { return put(plateauMetric, value); }
    public String getPlateauMetric() { return (String) getOrDefault(plateauMetric); }

    public final Param<String> plateauMode() { return plateauMode; }
    public E setPlateauMode(String value) { return put(plateauMode, value); }
    public String getPlateauMode() { return (String) getOrDefault(plateauMode); }

    public final DoubleParam factor() { return factor; }
    public E setFactor(double value) { return put(factor, value); }
    public double getFactor() { return (Double) getOrDefault(factor); }

    public final IntParam patience() { return patience; }
    public E setPatience(int value) { return put(patience, value); }
    public int getPatience() { return (Integer) getOrDefault(patience); }

    public final DoubleParam threshold() { return threshold; }
    public E setThreshold(double value) { return put(threshold, value); }
    public double getThreshold() { return (Double) getOrDefault(threshold); }

    public final Param<String> thresholdMode() { return thresholdMode; }
    public E setThresholdMode(String value) { return put(thresholdMode, value); }
    public String getThresholdMode() { return (String) getOrDefault(thresholdMode); }

    public final IntParam cooldown() { return cooldown; }
    public E setCooldown(int value) { return put(cooldown, value); }
    public int getCooldown() { return (Integer) getOrDefault(cooldown); }

    public final DoubleParam minLr() { return minLr; }
    public E setMinLr(double value) { return put(minLr, value); }
    public double getMinLr() { return (Double) getOrDefault(minLr); }

    public final Param<String> lrLambda() { return lrLambda; }
    public E setLrLambda(String value) { return put(lrLambda, value); }
    /** The value, or null when not set. */
    public String getLrLambda() { return isDefined(lrLambda) ? getOrDefault(lrLambda) : null; }

    public final LongParam seed() { return seed; }
    public E setSeed(long value) { return put(seed, value); }
    public long getSeed() { return (Long) getOrDefault(seed); }

    public final IntParam logInterval() { return logInterval; }
    public E setLogInterval(int value) { return put(logInterval, value); }
    public int getLogInterval() { return (Integer) getOrDefault(logInterval); }

    public final BooleanParam dryRun() { return dryRun; }
    public E setDryRun(boolean value) { return put(dryRun, value); }
    public boolean getDryRun() { return (Boolean) getOrDefault(dryRun); }

    public final IntParam limitTrain() { return limitTrain; }
    public E setLimitTrain(int value) { return put(limitTrain, value); }
    public int getLimitTrain() { return (Integer) getOrDefault(limitTrain); }

    public final IntParam workers() { return workers; }
    public E setWorkers(int value) { return put(workers, value); }
    public int getWorkers() { return (Integer) getOrDefault(workers); }

    public final IntParam averagingFrequency() { return averagingFrequency; }
    public E setAveragingFrequency(int value) { return put(averagingFrequency, value); }
    public int getAveragingFrequency() { return (Integer) getOrDefault(averagingFrequency); }

    public final Param<String> optimizerState() { return optimizerState; }
    public E setOptimizerState(String value) { return put(optimizerState, value); }
    public String getOptimizerState() { return (String) getOrDefault(optimizerState); }

    public final DoubleParam segmentSeconds() { return segmentSeconds; }
    public E setSegmentSeconds(double value) { return put(segmentSeconds, value); }
    public double getSegmentSeconds() { return (Double) getOrDefault(segmentSeconds); }

    public final Param<String> checkpointDir() { return checkpointDir; }
    public E setCheckpointDir(String value) { return put(checkpointDir, value); }
    /** The value, or null when not set. */
    public String getCheckpointDir() { return isDefined(checkpointDir) ? getOrDefault(checkpointDir) : null; }

    public final IntParam keepLast() { return keepLast; }
    public E setKeepLast(int value) { return put(keepLast, value); }
    public int getKeepLast() { return (Integer) getOrDefault(keepLast); }

    public final Param<String> keepBest() { return keepBest; }
    public E setKeepBest(String value) { return put(keepBest, value); }
    public String getKeepBest() { return (String) getOrDefault(keepBest); }

    public final BooleanParam resume() { return resume; }
    public E setResume(boolean value) { return put(resume, value); }
    public boolean getResume() { return (Boolean) getOrDefault(resume); }

    public final Param<String> runDir() { return runDir; }
    public E setRunDir(String value) { return put(runDir, value); }
    /** The value, or null when not set. */
    public String getRunDir() { return isDefined(runDir) ? getOrDefault(runDir) : null; }

    @Override
    public StructType transformSchema(StructType schema) {
        Schemas.requireFeatures(schema, getFeaturesCol());
        if (java.util.Arrays.asList(schema.fieldNames()).contains(getLabelCol())) {
            Schemas.requireLabel(schema, getLabelCol(), regression());
        }
        return outputSchema(schema);
    }

    /** {@code schema} with the model's output columns added. */
    abstract StructType outputSchema(StructType schema);

    /**
     * Trains on {@code dataset}'s features and label columns with Kindling's engine: a Spark job of
     * parameter averaging over {@code workers} model copies, as `kindling train` runs it, printing the
     * same progress lines.
     */
    @Override
    public M fit(Dataset<?> dataset) {
        StructType schema = dataset.schema();
        Schemas.requireColumn(schema, getLabelCol(), "labelCol");
        Schemas.requireLabel(schema, getLabelCol(), regression());
        transformSchema(schema);
        SparkSession spark = dataset.sparkSession();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // The job reads its rows as a table; a global view is visible to the sessions it plans them in.
        String view = "kindling_fit_" + UUID.randomUUID().toString().replace("-", "");
        String database = spark.sparkContext().conf().get("spark.sql.globalTempDatabase", "global_temp");
        dataset.toDF().select(Schemas.column(getFeaturesCol()), Schemas.column(getLabelCol()))
                .createOrReplaceGlobalTempView(view);
        try {
            JobSpec spec = spec(database + "." + view);
            TrainingJob job = TrainingJob.of(spec, getResume(), explicitOptions(), sc, System.out);
            job.run();
            M fitted = model(uid, job.trained());
            return copyValues(fitted, extractParamMap()).setParent(this);
        } finally {
            spark.catalog().dropGlobalTempView(view);
        }
    }

    /** The job spec these params describe, reading rows from {@code table}. */
    JobSpec spec(String table) {
        JobSpec.Builder b = JobSpec.builder().dataset("table").table(table).features(List.of(getFeaturesCol()))
                .labelColumn(getLabelCol()).regression(regression()).transforms("");
        String m = getModel();
        if (ModelZoo.NAMES.contains(m)) {
            b.model(m);
        } else {
            b.modelFile(m);
        }
        for (OptionParam p : bound.values()) {
            if (p.option().saved() && isDefined(p.param())) {
                p.apply(b, getOrDefault(p.param()));
            }
        }
        JobSpec spec = b.build();
        LrSchedule.of(spec.scheduler(), 1.0, spec.epochs()); // the scheduler's own arguments, now
        Datasets.of(spec.data());
        return spec;
    }

    /** The options a resumed job takes from these params rather than from its checkpoint. */
    private Set<String> explicitOptions() {
        Set<String> explicit = new HashSet<>(List.of(JobOptions.TABLE.name(), JobOptions.FEATURES.name(),
                JobOptions.LABEL_COLUMN.name(), JobOptions.REGRESSION.name()));
        explicit.add(ModelZoo.NAMES.contains(getModel()) ? JobOptions.MODEL.name() : JobOptions.MODEL_FILE.name());
        for (OptionParam p : bound.values()) {
            if (isSet(p.param())) {
                explicit.add(p.option().name());
            }
        }
        return explicit;
    }

    @Override
    public E copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public MLWriter write() {
        return new ParamsWriter(this, null);
    }
}
