package io.kindling.ml;

import io.kindling.driver.train.TrainedNetwork;
import java.util.UUID;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML estimator that trains a neural network regression with Kindling (MSE on a numeric
 * {@code labelCol}): {@code fit} runs `kindling train --regression` and returns a {@link
 * KindlingRegressionModel}.
 */
public final class KindlingRegressor extends KindlingEstimator<KindlingRegressor, KindlingRegressionModel> {
    private static final long serialVersionUID = 1L;

    public KindlingRegressor() {
        this("kindlingRegressor_" + UUID.randomUUID().toString().substring(24));
    }

    public KindlingRegressor(String uid) {
        super(uid);
        setDefaults();
    }

    public static MLReader<KindlingRegressor> read() {
        return new ParamsReader<>(KindlingRegressor.class, false, (uid, none) -> new KindlingRegressor(uid));
    }

    public static KindlingRegressor load(String path) {
        return read().load(path);
    }

    @Override
    boolean regression() {
        return true;
    }

    @Override
    KindlingRegressionModel model(String uid, TrainedNetwork trained) {
        return new KindlingRegressionModel(uid, trained.net(), trained.metadata());
    }

    @Override
    StructType outputSchema(StructType schema) {
        Schemas.requireNew(schema, getPredictionCol(), "predictionCol");
        return schema.add(getPredictionCol(), DataTypes.DoubleType, false);
    }
}
