package io.kindling.driver.job;

import io.kindling.datasets.csv.CsvOptions;
import io.kindling.datasets.transform.Pipeline;
import java.io.Serializable;
import java.util.List;

/**
 * The data of a job and how it is read.
 *
 * @param dataset         mnist, cifar10 (fetched into {@code dir} when missing), csv or images
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
 */
public record DataSpec(String dataset, String dir, List<String> mirrors, boolean download, List<String> trainData,
                       List<String> testData, boolean csvHeader, String labelColumn, String delimiter,
                       boolean regression, int imageHeight, int imageWidth, boolean grayscale, String transforms,
                       double validationSplit, boolean dropLast, String cache, boolean skipBadRecords, int limitTrain,
                       int limitTest) implements Serializable {
    public static final List<String> DATASETS = List.of("mnist", "cifar10", "csv", "images");
    public static final List<String> CACHES = List.of("memory", "disk", "none");

    public DataSpec {
        mirrors = List.copyOf(mirrors);
        trainData = List.copyOf(trainData);
        testData = List.copyOf(testData);
        if (!DATASETS.contains(dataset)) {
            throw new IllegalArgumentException("--dataset " + dataset + ": unknown, expected one of " + DATASETS);
        }
        if ((dataset.equals("csv") || dataset.equals("images")) && trainData.isEmpty()) {
            throw new IllegalArgumentException("--train-data: needed with --dataset " + dataset
                    + ", expected the training " + (dataset.equals("csv") ? "CSV files" : "image folders"));
        }
        if (!CACHES.contains(cache)) {
            throw new IllegalArgumentException("--cache " + cache + ": unknown, expected one of " + CACHES);
        }
        if (!(validationSplit >= 0 && validationSplit < 1)) {
            throw new IllegalArgumentException("--validation-split " + validationSplit + ": expected a fraction in [0, 1)");
        }
        if (delimiter == null || delimiter.length() != 1) {
            throw new IllegalArgumentException("--delimiter " + delimiter + ": expected one character");
        }
        if (regression && !dataset.equals("csv")) {
            throw new IllegalArgumentException("--regression: only --dataset csv has numeric targets");
        }
        if (imageHeight < 0 || imageWidth < 0) {
            throw new IllegalArgumentException("--image-size: expected HxW with positive sizes");
        }
        if (limitTrain < 0 || limitTest < 0) {
            throw new IllegalArgumentException("--limit-train and --limit-test: expected integers >= 0");
        }
        Pipeline.parse(transforms != null ? transforms : defaultTransforms(dataset)); // reports a malformed one now
    }

    /** csv and images read the user's files; mnist and cifar10 have their standard layout in {@code dir}. */
    public boolean isFiles() {
        return dataset.equals("csv") || dataset.equals("images");
    }

    /** The transforms of this job: the given ones, or the dataset's default (the seeds' ToTensor/Normalize). */
    public Pipeline pipeline() {
        return Pipeline.parse(transforms != null ? transforms : defaultTransforms(dataset));
    }

    public static String defaultTransforms(String dataset) {
        return switch (dataset) {
            case "mnist" -> "to_tensor; normalize(0.1307, 0.3081)";
            case "cifar10", "images" -> "to_tensor";
            default -> "";
        };
    }

    public CsvOptions csvOptions() {
        return new CsvOptions(csvHeader, labelColumn, delimiter.charAt(0), regression);
    }
}
