package io.kindling.ml;

import io.kindling.driver.checkpoint.ModelWriter;
import io.kindling.worker.score.RowScorer;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A classifier trained by {@link KindlingClassifier}. {@code transform} adds Spark's classifier columns:
 * {@code prediction} (a double: the label's value where the labels are numbers, as {@code StringIndexer}
 * makes them, else the class's index in sorted order), {@code probability} (the network's softmax, a
 * vector over the classes in sorted order) and {@code rawPrediction} (the log-probabilities). A column
 * whose name is set empty is left out.
 */
public final class KindlingClassificationModel extends KindlingModel<KindlingClassificationModel> {
    private static final long serialVersionUID = 1L;
    /** The log of a probability is clipped here, as the loss clips it. */
    private static final double MIN_PROBABILITY = 1e-10;

    private final Param<String> probabilityCol = new Param<>(this, "probabilityCol", "column name for predicted"
            + " class conditional probabilities");
    private final Param<String> rawPredictionCol = new Param<>(this, "rawPredictionCol", "raw prediction (a.k.a."
            + " confidence) column name: log-probabilities");

    KindlingClassificationModel(String uid, MultiLayerNetwork net, ModelWriter.Metadata metadata) {
        super(uid, net, metadata);
        setDefault(probabilityCol, "probability");
        setDefault(rawPredictionCol, "rawPrediction");
        setDefaults();
    }

    public static MLReader<KindlingClassificationModel> read() {
        return new ParamsReader<>(KindlingClassificationModel.class, true,
                (uid, saved) -> new KindlingClassificationModel(uid, saved.net(), saved.metadata()));
    }

    public static KindlingClassificationModel load(String path) {
        return read().load(path);
    }

    public final Param<String> probabilityCol() { return probabilityCol; }
    public KindlingClassificationModel setProbabilityCol(String value) { set(probabilityCol, value); return this; }
    public String getProbabilityCol() { return getOrDefault(probabilityCol); }

    public final Param<String> rawPredictionCol() { return rawPredictionCol; }
    public KindlingClassificationModel setRawPredictionCol(String value) { set(rawPredictionCol, value); return this; }
    public String getRawPredictionCol() { return getOrDefault(rawPredictionCol); }

    /** The class names, in the order of the probability vector. */
    public List<String> classes() {
        return data().classes();
    }

    public int numClasses() {
        return classes().size();
    }

    /** The value {@code prediction} gives each class: the label's number, or else the class's index. */
    double[] predictionValues() {
        List<String> classes = classes();
        double[] values = new double[classes.size()];
        for (int c = 0; c < values.length; c++) {
            try {
                values[c] = Double.parseDouble(classes.get(c));
            } catch (NumberFormatException e) {
                for (int i = 0; i < values.length; i++) {
                    values[i] = i;
                }
                break;
            }
        }
        return values;
    }

    @Override
    StructType outputSchema(StructType schema) {
        StructType out = schema;
        if (!getPredictionCol().isEmpty()) {
            Schemas.requireNew(schema, getPredictionCol(), "predictionCol");
            out = out.add(getPredictionCol(), DataTypes.DoubleType, false);
        }
        if (!getProbabilityCol().isEmpty()) {
            Schemas.requireNew(schema, getProbabilityCol(), "probabilityCol");
            out = out.add(getProbabilityCol(), SQLDataTypes.VectorType(), false);
        }
        if (!getRawPredictionCol().isEmpty()) {
            Schemas.requireNew(schema, getRawPredictionCol(), "rawPredictionCol");
            out = out.add(getRawPredictionCol(), SQLDataTypes.VectorType(), false);
        }
        return out;
    }

    @Override
    RowScorer.Output output() {
        double[] values = predictionValues();
        boolean prediction = !getPredictionCol().isEmpty();
        boolean probability = !getProbabilityCol().isEmpty();
        boolean raw = !getRawPredictionCol().isEmpty();
        return (row, p) -> {
            Object[] out = new Object[row.length() + (prediction ? 1 : 0) + (probability ? 1 : 0) + (raw ? 1 : 0)];
            int at = 0;
            for (; at < row.length(); at++) {
                out[at] = row.get(at);
            }
            double[] probabilities = new double[p.length];
            int best = 0;
            for (int c = 0; c < p.length; c++) {
                probabilities[c] = p[c];
                if (p[c] > p[best]) {
                    best = c;
                }
            }
            if (prediction) {
                out[at++] = values[best];
            }
            if (probability) {
                out[at++] = Vectors.dense(probabilities);
            }
            if (raw) {
                double[] logs = new double[p.length];
                for (int c = 0; c < p.length; c++) {
                    logs[c] = Math.log(Math.max(probabilities[c], MIN_PROBABILITY));
                }
                out[at] = Vectors.dense(logs);
            }
            return RowFactory.create(out);
        };
    }

    @Override
    KindlingClassificationModel create(String uid) {
        return new KindlingClassificationModel(uid, network(), metadata());
    }
}
