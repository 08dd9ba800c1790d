package io.kindling.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.testing.LocalSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The regression estimator on Spark local[2]: a linear function learnt, saved and loaded. */
class KindlingRegressorTest {
    @TempDir
    Path tmp;

    /** y = 2·x1 − x2 + 0.5 plus a little noise, x uniform in [−1, 1]². */
    private static Dataset<Row> linear(int rows, long seed) {
        Random random = new Random(seed);
        List<Row> data = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            double x1 = random.nextDouble() * 2 - 1;
            double x2 = random.nextDouble() * 2 - 1;
            data.add(RowFactory.create(Vectors.dense(x1, x2), 2 * x1 - x2 + 0.5 + random.nextGaussian() * 0.01));
        }
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType())
                .add("label", DataTypes.DoubleType);
        return SparkSession.builder().getOrCreate().createDataFrame(data, schema);
    }

    @Test
    void aLinearFunctionIsLearntAndTheModelLoadsBack() throws java.io.IOException {
        LocalSpark.context();
        KindlingRegressionModel model = new KindlingRegressor().setHidden(16).setOptimizer("adam").setLr(0.01)
                .setEpochs(8).setBatchSize(16).setWorkers(2).fit(linear(500, 1));
        Dataset<Row> test = linear(100, 2);

        double rmse = new RegressionEvaluator().setMetricName("rmse").evaluate(model.transform(test));
        assertTrue(rmse < 0.2, "rmse " + rmse + " (the label's spread is about 1.3)");
        String dir = tmp.resolve("model").toString();
        model.write().save(dir);
        double again = new RegressionEvaluator().setMetricName("rmse")
                .evaluate(KindlingRegressionModel.load(dir).transform(test));
        assertEquals(rmse, again);
    }
}
