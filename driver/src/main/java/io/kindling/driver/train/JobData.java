package io.kindling.driver.train;

import io.kindling.datasets.BadRecords;
import io.kindling.datasets.ConcatSource;
import io.kindling.datasets.DataSplit;
import io.kindling.datasets.DataSummary;
import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.Example;
import io.kindling.datasets.ExampleSource;
import io.kindling.datasets.IndexedData;
import io.kindling.datasets.transform.Pipeline;
import io.kindling.driver.data.Dataset;
import io.kindling.driver.data.Datasets;
import io.kindling.driver.job.DataSpec;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

/**
 * The data of a job, ready for training: training examples (indexed 0..n-1, after the limit and the
 * validation split), validation and test examples, their shape and classes, and the transforms with
 * {@code normalize(auto)} computed. Executors read every record; the driver sees metadata and counts.
 */
public final class JobData implements AutoCloseable {
    private final DatasetInfo info;
    private final Pipeline pipeline;
    private final JavaRDD<Example> train;
    private final long trainSize;
    private final JavaRDD<Example> validation;
    private final JavaRDD<Example> test;
    private final DataSummary trainSummary;
    private final DataSummary testSummary;
    private final List<IndexedData> loaded;

    private JobData(DatasetInfo info, Pipeline pipeline, JavaRDD<Example> train, long trainSize,
                    JavaRDD<Example> validation, JavaRDD<Example> test, DataSummary trainSummary,
                    DataSummary testSummary, List<IndexedData> loaded) {
        this.info = info;
        this.pipeline = pipeline;
        this.train = train;
        this.trainSize = trainSize;
        this.validation = validation;
        this.test = test;
        this.trainSummary = trainSummary;
        this.testSummary = testSummary;
        this.loaded = loaded;
    }

    public static JobData load(DataSpec spec, JavaSparkContext sc, int partitions, long seed, PrintStream out) {
        Configuration conf = sc.hadoopConfiguration();
        Dataset dataset = Datasets.of(spec);
        dataset.ensure(spec, conf, out);
        ExampleSource trainSource = ConcatSource.of(dataset.training(spec, sc, partitions));
        DatasetInfo info = trainSource.info();
        List<ExampleSource> testSources = dataset.test(spec, info, conf);
        for (ExampleSource t : testSources) {
            if (!t.info().equals(info)) {
                throw new IllegalArgumentException(t.name() + ": test examples of shape " + t.info().shape()
                        + " with classes " + t.info().classes() + ", expected the training data's " + info.shape()
                        + " with classes " + info.classes());
            }
        }
        Pipeline pipeline = dataset.transforms(spec);
        pipeline.outputShape(info);

        BadRecords bad = spec.skipBadRecords()
                ? BadRecords.skipping(sc.sc().longAccumulator("bad records")) : BadRecords.failing();
        StorageLevel level = switch (spec.cache()) {
            case "memory" -> StorageLevel.MEMORY_ONLY();
            case "disk" -> StorageLevel.DISK_ONLY();
            default -> StorageLevel.NONE();
        };
        List<IndexedData> loaded = new ArrayList<>();
        sc.setJobDescription("reading " + trainSource.name());
        IndexedData trainData = IndexedData.load(sc, trainSource, partitions, level, bad);
        loaded.add(trainData);
        long n = spec.limitTrain() > 0 ? Math.min(spec.limitTrain(), trainData.size()) : trainData.size();
        DataSplit split = DataSplit.of(trainData.first(spec.limitTrain()), n, spec.validationSplit(), seed);
        JavaRDD<Example> test = null;
        DataSummary testSummary = null;
        if (!testSources.isEmpty()) {
            ExampleSource testSource = ConcatSource.of(testSources);
            sc.setJobDescription("reading " + testSource.name());
            IndexedData testData = IndexedData.load(sc, testSource, partitions, level, bad);
            loaded.add(testData);
            test = testData.first(spec.limitTest());
            testSummary = testData.summary();
        }
        if (pipeline.needsStatistics()) {
            sc.setJobDescription("normalize(auto): statistics of the training data");
            pipeline = pipeline.withStatisticsOf(split.train(), info);
            out.println("normalize(auto) computed on the training data: " + pipeline.text());
        }
        sc.setJobDescription(null);
        if (bad.skipping()) {
            out.println("Skipped " + bad.skipped() + " bad records (--skip-bad-records)");
        }
        return new JobData(info, pipeline, split.train(), split.trainSize(), split.validation(), test,
                trainData.summary(), testSummary, loaded);
    }

    /** The test examples of a dataset alone, for evaluating a checkpoint. */
    public static JobData testOnly(DataSpec spec, DatasetInfo trainedOn, Pipeline pipeline, JavaSparkContext sc,
                                   int partitions, PrintStream out) {
        Configuration conf = sc.hadoopConfiguration();
        Dataset dataset = Datasets.named(spec.dataset());
        dataset.ensure(spec, conf, out);
        List<ExampleSource> sources = dataset.test(spec, trainedOn, conf);
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("--test-data: the model's training job had no test data; give some");
        }
        ExampleSource source = ConcatSource.of(sources);
        BadRecords bad = spec.skipBadRecords()
                ? BadRecords.skipping(sc.sc().longAccumulator("bad records")) : BadRecords.failing();
        IndexedData data = IndexedData.load(sc, source, partitions, StorageLevel.NONE(), bad);
        return new JobData(trainedOn, pipeline, null, 0, null, data.first(spec.limitTest()), null, data.summary(),
                List.of(data));
    }

    public DatasetInfo info() {
        return info;
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    public JavaRDD<Example> train() {
        return train;
    }

    public long trainSize() {
        return trainSize;
    }

    /** Validation examples, or null without --validation-split. */
    public JavaRDD<Example> validation() {
        return validation;
    }

    /** Test examples, or null when the job has no test data. */
    public JavaRDD<Example> test() {
        return test;
    }

    public DataSummary trainSummary() {
        return trainSummary;
    }

    public DataSummary testSummary() {
        return testSummary;
    }

    @Override
    public void close() {
        loaded.forEach(IndexedData::unpersist);
    }
}
