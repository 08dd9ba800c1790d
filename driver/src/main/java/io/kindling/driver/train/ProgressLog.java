package io.kindling.driver.train;

import io.kindling.worker.EvalStats;
import java.util.Locale;

/** The console lines of the pytorch/examples MNIST script, so users read the output they know. */
public final class ProgressLog {
    private ProgressLog() {
    }

    public static String trainLine(int epoch, long done, long total, double loss) {
        return String.format(Locale.ROOT, "Train Epoch: %d [%d/%d (%.0f%%)]\tLoss: %.6f",
                epoch, done, total, 100.0 * done / total, loss);
    }

    /** The seed's train line, then the epoch's speed so far and the time its training has left. */
    public static String trainLine(int epoch, long done, long total, double loss, double examplesPerSecond,
                                   double etaSeconds) {
        return trainLine(epoch, done, total, loss)
                + String.format(Locale.ROOT, "\t%.1f examples/s\tETA %s", examplesPerSecond, duration(etaSeconds));
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour on, like the progress bars users know. */
    public static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    public static String testLine(EvalStats stats) {
        return evalLine("Test", stats, false);
    }

    /** {@code Test set: ...} or {@code Validation set: ...}; a regression has a loss and no accuracy. */
    public static String evalLine(String set, EvalStats stats, boolean regression) {
        if (regression) {
            return String.format(Locale.ROOT, "%s set: Average loss: %.4f", set, stats.averageLoss());
        }
        return String.format(Locale.ROOT, "%s set: Average loss: %.4f, Accuracy: %d/%d (%.0f%%)", set,
                stats.averageLoss(), stats.correct(), stats.count(), 100.0 * stats.accuracy());
    }

    /** True when a multiple of {@code interval} lies in the minibatch range [before, after). */
    public static boolean crossesInterval(long before, long after, int interval) {
        long nextMultiple = (before + interval - 1) / interval * interval;
        return nextMultiple < after;
    }
}
