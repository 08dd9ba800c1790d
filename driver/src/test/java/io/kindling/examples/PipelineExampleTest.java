package io.kindling.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.testing.LocalSpark;
import io.kindling.driver.CsvBlobs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's pipeline example, run on Spark local[2] on CSV files made here. */
class PipelineExampleTest {
    @TempDir
    Path tmp;

    @Test
    void theExampleTrainsAPipelineThatClassifiesAndSavesIt() throws Exception {
        LocalSpark.context();
        SparkSession spark = SparkSession.builder().getOrCreate();
        CsvBlobs.write(tmp.resolve("train.csv"), 600, 1);
        CsvBlobs.write(tmp.resolve("test.csv"), 150, 2);
        String saved = tmp.resolve("model").toString();

        double accuracy = PipelineExample.run(spark, tmp.resolve("train.csv").toString(),
                tmp.resolve("test.csv").toString(), "species", saved);

        assertTrue(accuracy > 0.9, "accuracy " + accuracy + " (chance 0.33)");
        assertTrue(Files.isDirectory(tmp.resolve("model/stages")));
        assertEquals(4, PipelineModel.load(saved).stages().length);
    }
}
