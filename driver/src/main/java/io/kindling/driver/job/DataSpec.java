package io.kindling.driver.job;

import io.kindling.datasets.csv.CsvOptions;
import io.kindling.datasets.transform.Pipeline;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The data of a job and how it is read.
 *
 * @param dataset         the kind of source (mnist, cifar10, csv, images; see the driver's data.Datasets)
 * @param dir             the directory of mnist or cifar10
 * @param trainData       csv/images: the training files or folders (several are concatenated);
 *                        mnist/cifar10: extra directories of the same format to concatenate to {@code dir}
 * @param testData        csv/images: the test files or folders; none means no test evaluation
 * @param labelColumn     csv: the label's column name or index; null for the last column
 * @param imageHeight     images: resize every image to this height (0: the first image's)
 * @param transforms      the transform pipeline; null for the dataset's default
 * @param validationSplit the fraction of the training data held out for validation, seeded
 * @param cache           how training and test examples are kept between uses: memory, disk or none
 * @param limitTrain      train on the first N examples only; 0 means all
 * @param limitTest       evaluate on the first N examples only; 0 means all
 * @param table           table: the source format, catalog tables, filter and feature columns
 * @param skipRows        csv: lines skipped at the start of every file, before the header
 */
public record DataSpec(String dataset, String dir, List<String> mirrors, boolean download, List<String> trainData,
                       List<String> testData, boolean csvHeader, String labelColumn, String delimiter,
                       boolean regression, int imageHeight, int imageWidth, boolean grayscale, String transforms,
                       double validationSplit, boolean dropLast, String cache, boolean skipBadRecords, int limitTrain,
                       int limitTest, TableSpec table, int skipRows) implements Serializable {
    public static final List<String> CACHES = List.of("memory", "disk", "none");

    public DataSpec {
        mirrors = List.copyOf(mirrors);
        trainData = List.copyOf(trainData);
        testData = List.copyOf(testData);
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(delimiter, "delimiter");
        table = table == null ? TableSpec.DEFAULT : table; // checkpoints written before tables have none
        // In its canonical form: checked now, and compared as written by Pipeline whatever the spacing.
        transforms = transforms == null ? null : Pipeline.parse(transforms).text();
    }

    public CsvOptions csvOptions() {
        return new CsvOptions(csvHeader, labelColumn, delimiter.charAt(0), regression, skipRows);
    }
}
