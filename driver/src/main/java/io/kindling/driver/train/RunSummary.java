package io.kindling.driver.train;

import io.kindling.driver.job.EpochResult;
import io.kindling.driver.job.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The closing lines of {@code kindling train}: what ran, how fast, the best epoch, and where the
 * outputs are.
 *
 * @param history        every epoch's result, those of a resumed checkpoint included
 * @param firstEpoch     the first epoch this run trained
 * @param seconds        wall time of this run, data loading and evaluation included
 * @param rankBy         the metric that picks the best epoch
 * @param checkpoint     the newest checkpoint written, or null
 * @param runDir         the metrics directory, or null
 * @param savedModel     where the model was saved, or null
 */
public record RunSummary(List<EpochResult> history, int firstEpoch, double seconds, Metric rankBy, String checkpoint,
                         String runDir, String savedModel) {

    /** The metric a job ranks epochs by: its --keep-best, else accuracy or loss on the test set, else train loss. */
    public static Metric rankingMetric(String keepBest, boolean hasTest, boolean regression) {
        if (!"none".equals(keepBest)) {
            return Metric.named(keepBest);
        }
        if (!hasTest) {
            return Metric.TRAIN_LOSS;
        }
        return regression ? Metric.TEST_LOSS : Metric.TEST_ACCURACY;
    }

    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        List<EpochResult> run = history.stream().filter(r -> r.epoch() >= firstEpoch).toList();
        if (run.isEmpty()) {
            lines.add(String.format(Locale.ROOT, "Done in %s: no epoch left to train.", ProgressLog.duration(seconds)));
        } else {
            long examples = run.stream().mapToLong(r -> r.train().examples()).sum();
            double trainSeconds = run.stream().mapToDouble(r -> r.train().seconds()).sum();
            int last = run.get(run.size() - 1).epoch();
            lines.add(String.format(Locale.ROOT, "Done: %s in %s, %d examples trained at %.1f examples/s",
                    run.size() == 1 ? "epoch " + last : "epochs " + firstEpoch + "-" + last,
                    ProgressLog.duration(seconds), examples, examples / trainSeconds));
        }
        EpochResult best = best();
        if (best != null) {
            lines.add(String.format(Locale.ROOT, "Best epoch: %d (%s %.4f)", best.epoch(), rankBy.key(),
                    rankBy.of(best)));
        }
        if (checkpoint != null) {
            lines.add("Newest checkpoint: " + checkpoint);
        }
        if (runDir != null) {
            lines.add("Metrics: " + runDir + " (tensorboard --logdir " + runDir + ")");
        }
        if (savedModel != null) {
            lines.add("Model: " + savedModel);
        }
        return lines;
    }

    /** The best epoch by {@code rankBy}, the earliest of equals; null when no epoch has the metric. */
    EpochResult best() {
        EpochResult best = null;
        for (EpochResult r : history) {
            double value = rankBy.of(r);
            if (!Double.isNaN(value) && (best == null || rankBy.better(value, rankBy.of(best)))) {
                best = r;
            }
        }
        return best;
    }
}
