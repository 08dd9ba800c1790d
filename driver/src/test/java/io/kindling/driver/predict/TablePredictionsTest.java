package io.kindling.driver.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TablePredictionsTest {
    @TempDir
    Path tmp;

    @Test
    void filesAreSplitOverTheSlots() {
        SparkSession spark = SparkSession.builder().master("local[2]").getOrCreate();
        String dir = tmp.resolve("rows").toUri().toString();
        // One file of about 4 MB: Spark's default split (128 MB) would scan it as one partition.
        spark.range(0, 500_000, 1, 1).selectExpr("id", "cast(id * 7 as double) as x").write().parquet(dir);
        Dataset<Row> rows = TablePredictions.read(null, List.of(dir), "parquet", false, 4, new Configuration());
        assertEquals(500_000, rows.count());
        int partitions = rows.javaRDD().getNumPartitions();
        assertTrue(partitions >= 3, "split over the 4 slots, not scanned whole: " + partitions + " partitions");
    }
}
