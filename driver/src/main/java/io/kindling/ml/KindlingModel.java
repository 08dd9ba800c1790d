package io.kindling.ml;

import io.kindling.datasets.DatasetInfo;
import io.kindling.driver.checkpoint.ModelWriter;
import io.kindling.driver.job.JobOptions;
import io.kindling.driver.predict.DistributedScoring;
import io.kindling.worker.score.RowScorer;
import java.util.List;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * What the classification and regression models share: the trained network with its example shape,
 * classes and transforms, and a distributed {@code transform} ({@link DistributedScoring}: the network
 * broadcast once, every partition scored on its executor in minibatches of {@code testBatchSize} rows,
 * streaming).
 *
 * @param <M> the model, for fluent setters and {@code copy}
 */
public abstract class KindlingModel<M extends KindlingModel<M>> extends Model<M> implements MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final MultiLayerNetwork net;
    private final ModelWriter.Metadata metadata;

    private final Param<String> featuresCol;
    private final Param<String> predictionCol;
    private final OptionParam batch;
    private final IntParam testBatchSize;

    protected KindlingModel(String uid, MultiLayerNetwork net, ModelWriter.Metadata metadata) {
        this.uid = uid; // before the params, which name their owner's uid
        this.net = net;
        this.metadata = metadata;
        featuresCol = new Param<>(this, "featuresCol", "features column: a vector, an array of numbers, numeric,"
                + " binary (encoded images) or image column, as the model was trained on");
        predictionCol = new Param<>(this, "predictionCol", "prediction column name");
        batch = OptionParam.of(this, JobOptions.TEST_BATCH_SIZE);
        testBatchSize = (IntParam) batch.param();
    }

    /** Sets the defaults; called last by each concrete constructor, once every param exists. */
    protected void setDefaults() {
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
        setDefault(testBatchSize, (Object) JobOptions.TEST_BATCH_SIZE.defaultValue());
    }

    @SuppressWarnings("unchecked")
    protected final M self() {
        return (M) this;
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The trained network. */
    public MultiLayerNetwork network() {
        return net;
    }

    /** The shape of an example as stored, and the classes (none for a regression). */
    public DatasetInfo data() {
        return metadata.data();
    }

    /** The transforms applied before the network, as {@code --transforms} writes them. */
    public String transforms() {
        return metadata.transforms();
    }

    ModelWriter.Metadata metadata() {
        return metadata;
    }

    public final Param<String> featuresCol() { return featuresCol; }
    public M setFeaturesCol(String value) { set(featuresCol, value); return self(); }
    public String getFeaturesCol() { return getOrDefault(featuresCol); }

    public final Param<String> predictionCol() { return predictionCol; }
    public M setPredictionCol(String value) { set(predictionCol, value); return self(); }
    public String getPredictionCol() { return getOrDefault(predictionCol); }

    public final IntParam testBatchSize() { return testBatchSize; }
    /** Rows per forward pass on an executor. */
    public M setTestBatchSize(int value) { set(testBatchSize, (Object) batch.checked(value)); return self(); }
    public int getTestBatchSize() { return (Integer) getOrDefault(testBatchSize); }

    @Override
    public StructType transformSchema(StructType schema) {
        Schemas.requireFeatures(schema, getFeaturesCol());
        return outputSchema(schema);
    }

    /** {@code schema} with this model's output columns. */
    abstract StructType outputSchema(StructType schema);

    /** How an output row is made from an input row and the network's output (executor-side). */
    abstract RowScorer.Output output();

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = transformSchema(dataset.schema());
        return new DistributedScoring(net, metadata).score(dataset, List.of(getFeaturesCol()), "featuresCol",
                getTestBatchSize(), output(), schema);
    }

    /** A model of the same network with the given uid; params are copied by {@link #copy}. */
    abstract M create(String uid);

    @Override
    public M copy(ParamMap extra) {
        return copyValues(create(uid), extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new ParamsWriter(this, ModelWriter.zip(net, false, metadata));
    }
}
