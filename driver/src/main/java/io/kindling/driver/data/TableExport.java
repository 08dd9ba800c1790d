package io.kindling.driver.data;

import io.kindling.datasets.BadRecords;
import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.Example;
import io.kindling.datasets.ExampleSource;
import io.kindling.datasets.images.Images;
import io.kindling.driver.job.DataSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Writes an image dataset's training and test splits as tables, {@code OUTPUT/train} and
 * {@code OUTPUT/test}: an {@code image} column of PNG files (lossless, so the pixels read back are the
 * ones written) and an integer {@code label}, one file per split in the dataset's order. The splits are
 * written beside the output and renamed into place at the end: the output is complete or absent.
 */
public final class TableExport {
    private static final StructType SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField("image", DataTypes.BinaryType, false),
            DataTypes.createStructField("label", DataTypes.IntegerType, false)));

    private TableExport() {
    }

    public static void write(Dataset kind, DataSpec spec, String format, String output, JavaSparkContext sc,
                             PrintStream out) {
        if (kind.readsUserFiles()) {
            throw new IllegalArgumentException("dataset " + kind.name() + ": the user's files, expected one of "
                    + Datasets.ALL.stream().filter(Dataset::downloadable).map(Dataset::name).toList());
        }
        NewOutput.write(output, sc.hadoopConfiguration(), partial -> {
            kind.ensure(spec, sc.hadoopConfiguration(), out);
            List<ExampleSource> training = kind.training(spec, sc, sc.defaultParallelism());
            DatasetInfo info = training.get(0).info();
            write(training, info, format, new Path(partial, "train").toString(), sc);
            write(kind.test(spec, info, sc.hadoopConfiguration()), info, format,
                    new Path(partial, "test").toString(), sc);
        });
        out.println(kind.title() + " written as " + format + " to " + new Path(output) + " (train/ and test/)");
    }

    private static void write(List<ExampleSource> sources, DatasetInfo info, String format, String uri,
                              JavaSparkContext sc) {
        int c = info.channels();
        int h = info.height();
        int w = info.width();
        JavaRDD<Row> rows = null;
        for (ExampleSource source : sources) {
            JavaRDD<Row> part = source.rdd(sc, sc.defaultParallelism(), BadRecords.failing())
                    .map((Example e) -> RowFactory.create(Images.png(e.pixels(), c, h, w), e.label()));
            rows = rows == null ? part : rows.union(part);
        }
        // One file per split keeps the dataset's order (Spark SQL orders a scan's files by size); row groups
        // (Parquet) and stripes (ORC) of 1 MiB let a job read it in parallel all the same.
        SparkSession.builder().getOrCreate().createDataFrame(rows, SCHEMA).coalesce(1).write().format(format)
                .option("parquet.block.size", 1 << 20).option("orc.stripe.size", 1 << 20).save(uri);
    }
}
