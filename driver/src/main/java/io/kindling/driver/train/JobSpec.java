package io.kindling.driver.train;

import java.io.Serializable;
import java.util.List;

/**
 * Everything that defines a training job, as the user gave it (defaults resolved). Printed when the
 * job starts and saved in every checkpoint.
 *
 * @param workers            partitions = concurrent local models; 0 means Spark's default parallelism
 * @param averagingFrequency minibatches each worker fits between two averages (k)
 * @param limitTrain         train on the first N examples only; 0 means all
 * @param limitTest          evaluate on the first N examples only; 0 means all
 * @param checkpointDir      where a checkpoint is written after every epoch; null for none
 * @param keepLast           checkpoints kept besides the best
 * @param keepBest           the metric whose best checkpoint is kept too, or "none"
 */
public record JobSpec(String model, String dataset, String dataDir, List<String> mirrors, boolean download,
                      int epochs, int batchSize, int testBatchSize, String optimizer, double lr, double gamma,
                      long seed, int logInterval, boolean dryRun, String saveModel, int limitTrain,
                      int limitTest, int workers, int averagingFrequency, String checkpointDir, int keepLast,
                      String keepBest) implements Serializable {

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
        atLeast("--keep-last", keepLast, 1);
        positive("--lr", lr);
        positive("--gamma", gamma);
        if (!"none".equals(keepBest) && !Metric.NAMES.contains(keepBest)) {
            throw new IllegalArgumentException("--keep-best " + keepBest + ": unknown, expected none or one of "
                    + Metric.NAMES);
        }
    }

    private static void atLeast(String option, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(option + " " + value + ": expected an integer >= " + min);
        }
    }

    private static void positive(String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(option + " " + value + ": expected a positive number");
        }
    }

    /** A few lines naming every setting, printed at the start of a job. */
    public String describe() {
        return String.format("Kindling job: model=%s dataset=%s data-dir=%s%n"
                        + "  epochs=%d batch-size=%d test-batch-size=%d optimizer=%s lr=%s gamma=%s seed=%d%n"
                        + "  workers=%s averaging-frequency=%d log-interval=%d dry-run=%s limit-train=%s limit-test=%s%s%s",
                model, dataset, dataDir, epochs, batchSize, testBatchSize, optimizer, lr, gamma, seed,
                workers == 0 ? "default" : workers, averagingFrequency, logInterval, dryRun,
                limitTrain == 0 ? "all" : limitTrain, limitTest == 0 ? "all" : limitTest,
                checkpointDir == null ? "" : String.format("%n  checkpoint-dir=%s keep-last=%d keep-best=%s",
                        checkpointDir, keepLast, keepBest),
                saveModel == null ? "" : String.format("%n  save-model=%s", saveModel));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.model = model;
        b.dataset = dataset;
        b.dataDir = dataDir;
        b.mirrors = mirrors;
        b.download = download;
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.testBatchSize = testBatchSize;
        b.optimizer = optimizer;
        b.lr = lr;
        b.gamma = gamma;
        b.seed = seed;
        b.logInterval = logInterval;
        b.dryRun = dryRun;
        b.saveModel = saveModel;
        b.limitTrain = limitTrain;
        b.limitTest = limitTest;
        b.workers = workers;
        b.averagingFrequency = averagingFrequency;
        b.checkpointDir = checkpointDir;
        b.keepLast = keepLast;
        b.keepBest = keepBest;
        return b;
    }

    /** Builds a spec from the defaults of the pytorch/examples MNIST script (the CLI's defaults). */
    public static final class Builder {
        private String model = "mnist-cnn";
        private String dataset = "mnist";
        private String dataDir;
        private List<String> mirrors = List.of();
        private boolean download = true;
        private int epochs = 14;
        private int batchSize = 64;
        private int testBatchSize = 1000;
        private String optimizer = "adadelta";
        private double lr = 1.0;
        private double gamma = 0.7;
        private long seed = 1;
        private int logInterval = 10;
        private boolean dryRun;
        private String saveModel;
        private int limitTrain;
        private int limitTest;
        private int workers;
        private int averagingFrequency = 5;
        private String checkpointDir;
        private int keepLast = 3;
        private String keepBest = Metric.TEST_ACCURACY.key();

        public Builder model(String v) { model = v; return this; }
        public Builder dataset(String v) { dataset = v; return this; }
        public Builder dataDir(String v) { dataDir = v; return this; }
        public Builder mirrors(List<String> v) { mirrors = v; return this; }
        public Builder download(boolean v) { download = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder testBatchSize(int v) { testBatchSize = v; return this; }
        public Builder optimizer(String v) { optimizer = v; return this; }
        public Builder lr(double v) { lr = v; return this; }
        public Builder gamma(double v) { gamma = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder logInterval(int v) { logInterval = v; return this; }
        public Builder dryRun(boolean v) { dryRun = v; return this; }
        public Builder saveModel(String v) { saveModel = v; return this; }
        public Builder limitTrain(int v) { limitTrain = v; return this; }
        public Builder limitTest(int v) { limitTest = v; return this; }
        public Builder workers(int v) { workers = v; return this; }
        public Builder averagingFrequency(int v) { averagingFrequency = v; return this; }
        public Builder checkpointDir(String v) { checkpointDir = v; return this; }
        public Builder keepLast(int v) { keepLast = v; return this; }
        public Builder keepBest(String v) { keepBest = v; return this; }

        public JobSpec build() {
            return new JobSpec(model, dataset, dataDir, mirrors, download, epochs, batchSize, testBatchSize,
                    optimizer, lr, gamma, seed, logInterval, dryRun, saveModel, limitTrain, limitTest, workers,
                    averagingFrequency, checkpointDir, keepLast, keepBest);
        }
    }
}
