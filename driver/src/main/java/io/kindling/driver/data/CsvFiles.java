package io.kindling.driver.data;

import io.kindling.datasets.BadRecords;
import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.ExampleSource;
import io.kindling.datasets.csv.CsvSource;
import io.kindling.driver.job.DataSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * CSV files or directories: numeric features and a label column. For a classification the labels
 * become class indices in sorted order, from every label the training data holds (one distributed
 * pass per file); the test data and saved models take that map.
 */
public final class CsvFiles implements Dataset {
    @Override
    public String name() {
        return "csv";
    }

    @Override
    public boolean readsUserFiles() {
        return true;
    }

    @Override
    public String userFiles() {
        return "CSV files";
    }

    @Override
    public String defaultTransforms() {
        return "";
    }

    @Override
    public boolean numericTargets() {
        return true;
    }

    @Override
    public List<ExampleSource> training(DataSpec spec, JavaSparkContext sc, int partitions) {
        List<CsvSource> files = new ArrayList<>();
        for (String f : spec.trainData()) {
            files.add(CsvSource.open(f, spec.csvOptions(), sc.hadoopConfiguration()));
        }
        if (spec.regression()) {
            return List.copyOf(files);
        }
        Set<String> labels = new HashSet<>();
        for (CsvSource f : files) {
            labels.addAll(f.withClassesFromData(sc, partitions, spec.skipBadRecords() ? BadRecords.skipping(null)
                    : BadRecords.failing()).info().classes());
        }
        List<String> classes = CsvSource.sorted(new ArrayList<>(labels));
        return files.stream().map(f -> (ExampleSource) f.withClasses(classes)).toList();
    }

    @Override
    public List<ExampleSource> test(DataSpec spec, DatasetInfo trained, Configuration conf) {
        return spec.testData().stream().map(f -> {
            CsvSource csv = CsvSource.open(f, spec.csvOptions(), conf);
            return (ExampleSource) (spec.regression() ? csv : csv.withClasses(trained.classes()));
        }).toList();
    }
}
