package io.kindling.ml;

import io.kindling.driver.train.TrainedNetwork;
import java.util.UUID;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML estimator that trains a neural network classifier with Kindling: {@code fit} runs `kindling
 * train` on the DataFrame's {@code featuresCol} and {@code labelCol} (numbers, strings or booleans; the
 * classes are the distinct labels in sorted order) and returns a {@link KindlingClassificationModel}.
 * <pre>{@code
 * KindlingClassifier clf = new KindlingClassifier().setModel("mlp").setHidden(64).setEpochs(5)
 *         .setOptimizer("adam").setLr(0.01);
 * KindlingClassificationModel model = clf.fit(train);
 * }</pre>
 */
public final class KindlingClassifier extends KindlingEstimator<KindlingClassifier, KindlingClassificationModel> {
    private static final long serialVersionUID = 1L;

    private final Param<String> probabilityCol = new Param<>(this, "probabilityCol", "column name for predicted"
            + " class conditional probabilities");
    private final Param<String> rawPredictionCol = new Param<>(this, "rawPredictionCol", "raw prediction (a.k.a."
            + " confidence) column name: log-probabilities");

    public KindlingClassifier() {
        this("kindlingClassifier_" + UUID.randomUUID().toString().substring(24));
    }

    public KindlingClassifier(String uid) {
        super(uid);
        setDefault(probabilityCol, "probability");
        setDefault(rawPredictionCol, "rawPrediction");
        setDefaults();
    }

    public static MLReader<KindlingClassifier> read() {
        return new ParamsReader<>(KindlingClassifier.class, false, (uid, none) -> new KindlingClassifier(uid));
    }

    public static KindlingClassifier load(String path) {
        return read().load(path);
    }

    public final Param<String> probabilityCol() { return probabilityCol; }
    public KindlingClassifier setProbabilityCol(String value) { set(probabilityCol, value); return this; }
    public String getProbabilityCol() { return getOrDefault(probabilityCol); }

    public final Param<String> rawPredictionCol() { return rawPredictionCol; }
    public KindlingClassifier setRawPredictionCol(String value) { set(rawPredictionCol, value); return this; }
    public String getRawPredictionCol() { return getOrDefault(rawPredictionCol); }

    @Override
    boolean regression() {
        return false;
    }

    @Override
    KindlingClassificationModel model(String uid, TrainedNetwork trained) {
        return new KindlingClassificationModel(uid, trained.net(), trained.metadata());
    }

    @Override
    StructType outputSchema(StructType schema) {
        StructType out = schema;
        for (String column : new String[] {getPredictionCol(), getProbabilityCol(), getRawPredictionCol()}) {
            if (!column.isEmpty()) {
                Schemas.requireNew(schema, column, column.equals(getPredictionCol()) ? "predictionCol"
                        : column.equals(getProbabilityCol()) ? "probabilityCol" : "rawPredictionCol");
                out = out.add(column, column.equals(getPredictionCol()) ? DataTypes.DoubleType
                        : SQLDataTypes.VectorType(), false);
            }
        }
        return out;
    }
}
