package io.kindling.driver.train;

import java.io.Serializable;
import java.util.List;

/**
 * Everything that defines a training job, as the user gave it (defaults resolved). Printed when the
 * job starts.
 *
 * @param workers            partitions = concurrent local models; 0 means Spark's default parallelism
 * @param averagingFrequency minibatches each worker fits between two averages (k)
 * @param limitTrain         train on the first N examples only; 0 means all
 * @param limitTest          evaluate on the first N examples only; 0 means all
 */
public record JobSpec(String model, String dataset, String dataDir, List<String> mirrors, boolean download,
                      int epochs, int batchSize, int testBatchSize, String optimizer, double lr, double gamma,
                      long seed, int logInterval, boolean dryRun, String saveModel, int limitTrain,
                      int limitTest, int workers, int averagingFrequency) implements Serializable {

    public JobSpec {
        mirrors = List.copyOf(mirrors);
        atLeast("--epochs", epochs, 1);
        atLeast("--batch-size", batchSize, 1);
        atLeast("--test-batch-size", testBatchSize, 1);
        atLeast("--log-interval", logInterval, 1);
        atLeast("--limit-train", limitTrain, 0);
        atLeast("--limit-test", limitTest, 0);
        atLeast("--workers", workers, 0);
        atLeast("--averaging-frequency", averagingFrequency, 1);
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("--lr " + lr + ": expected a positive number");
        }
        if (!(gamma > 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("--gamma " + gamma + ": expected a positive number");
        }
    }

    private static void atLeast(String option, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(option + " " + value + ": expected an integer >= " + min);
        }
    }

    /** A few lines naming every setting, printed at the start of a job. */
    public String describe() {
        return String.format("Kindling job: model=%s dataset=%s data-dir=%s%n"
                        + "  epochs=%d batch-size=%d test-batch-size=%d optimizer=%s lr=%s gamma=%s seed=%d%n"
                        + "  workers=%s averaging-frequency=%d log-interval=%d dry-run=%s limit-train=%s limit-test=%s%s",
                model, dataset, dataDir, epochs, batchSize, testBatchSize, optimizer, lr, gamma, seed,
                workers == 0 ? "default" : workers, averagingFrequency, logInterval, dryRun,
                limitTrain == 0 ? "all" : limitTrain, limitTest == 0 ? "all" : limitTest,
                saveModel == null ? "" : " save-model=" + saveModel);
    }
}
