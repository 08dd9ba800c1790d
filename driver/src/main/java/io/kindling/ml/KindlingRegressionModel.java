package io.kindling.ml;

import io.kindling.driver.checkpoint.ModelWriter;
import io.kindling.worker.score.RowScorer;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** A regression trained by {@link KindlingRegressor}: {@code transform} adds {@code prediction}, a double. */
public final class KindlingRegressionModel extends KindlingModel<KindlingRegressionModel> {
    private static final long serialVersionUID = 1L;

    KindlingRegressionModel(String uid, MultiLayerNetwork net, ModelWriter.Metadata metadata) {
        super(uid, net, metadata);
        setDefaults();
    }

    public static MLReader<KindlingRegressionModel> read() {
        return new ParamsReader<>(KindlingRegressionModel.class, true,
                (uid, saved) -> new KindlingRegressionModel(uid, saved.net(), saved.metadata()));
    }

    public static KindlingRegressionModel load(String path) {
        return read().load(path);
    }

    @Override
    StructType outputSchema(StructType schema) {
        Schemas.requireNew(schema, getPredictionCol(), "predictionCol");
        return schema.add(getPredictionCol(), DataTypes.DoubleType, false);
    }

    @Override
    RowScorer.Output output() {
        return (row, p) -> {
            Object[] out = new Object[row.length() + 1];
            for (int i = 0; i < row.length(); i++) {
                out[i] = row.get(i);
            }
            out[row.length()] = (double) p[0];
            return RowFactory.create(out);
        };
    }

    @Override
    KindlingRegressionModel create(String uid) {
        return new KindlingRegressionModel(uid, network(), metadata());
    }
}
