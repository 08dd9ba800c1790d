package io.kindling.driver.data;

import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.ExampleSource;
import io.kindling.datasets.csv.CsvSource;
import io.kindling.datasets.table.TableOptions;
import io.kindling.datasets.table.TableQuery;
import io.kindling.datasets.table.TableSource;
import io.kindling.driver.job.DataSpec;
import io.kindling.driver.job.TableSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Tables through Spark SQL: files of any source Spark has (`--format` with `--train-data`) or a table
 * of the session catalog (`--table`), optionally filtered (`--where`). For a classification the labels
 * become class indices in sorted order, from every label the training rows hold, as for CSV.
 */
public final class Tables implements Dataset {
    @Override
    public String name() {
        return "table";
    }

    @Override
    public boolean readsUserFiles() {
        return true;
    }

    @Override
    public String userFiles() {
        return "files of --format, or --table NAME";
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
    public void check(DataSpec spec) {
        TableSpec t = spec.table();
        if (t.table() != null && !spec.trainData().isEmpty()) {
            throw new IllegalArgumentException("--table " + t.table() + ": given with --train-data, expected one of"
                    + " them");
        }
        if (t.testTable() != null && !spec.testData().isEmpty()) {
            throw new IllegalArgumentException("--test-table " + t.testTable() + ": given with --test-data, expected"
                    + " one of them");
        }
        if (t.table() == null) {
            Dataset.super.check(spec);
        }
    }

    @Override
    public List<ExampleSource> training(DataSpec spec, JavaSparkContext sc, int partitions) {
        List<TableSource> tables = new ArrayList<>();
        for (TableQuery query : queries(spec, spec.table().table(), spec.trainData())) {
            tables.add(TableSource.open(query, options(spec), sc.hadoopConfiguration()));
        }
        if (spec.regression()) {
            return List.copyOf(tables);
        }
        Set<String> labels = new HashSet<>();
        for (TableSource t : tables) {
            labels.addAll(t.labelsInData());
        }
        List<String> classes = CsvSource.sorted(new ArrayList<>(labels));
        return tables.stream().map(t -> (ExampleSource) t.withClasses(classes)).toList();
    }

    @Override
    public List<ExampleSource> test(DataSpec spec, DatasetInfo trained, Configuration conf) {
        return queries(spec, spec.table().testTable(), spec.testData()).stream().map(query -> {
            TableSource t = TableSource.open(query, options(spec), conf);
            return (ExampleSource) (spec.regression() ? t : t.withClasses(trained.classes()));
        }).toList();
    }

    @Override
    public String location(DataSpec spec) {
        return spec.table().table() != null ? "--table " + spec.table().table() : Dataset.super.location(spec);
    }

    private static List<TableQuery> queries(DataSpec spec, String table, List<String> uris) {
        TableSpec t = spec.table();
        if (table != null) {
            return List.of(TableQuery.catalog(table, t.where()));
        }
        return uris.stream().map(uri -> TableQuery.files(t.format(), uri, t.where(), spec.csvHeader())).toList();
    }

    private static TableOptions options(DataSpec spec) {
        TableSpec t = spec.table();
        return new TableOptions(t.features(), spec.labelColumn(), spec.regression(), t.shape(), spec.imageHeight(),
                spec.imageWidth(), spec.grayscale());
    }
}
