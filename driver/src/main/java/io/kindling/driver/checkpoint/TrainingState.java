package io.kindling.driver.checkpoint;

import io.kindling.datasets.DataSummary;
import io.kindling.datasets.DatasetInfo;
import io.kindling.driver.job.EpochResult;
import io.kindling.driver.job.JobOptions;
import io.kindling.driver.job.JobSpec;
import io.kindling.driver.schedule.LrSchedule;
import java.util.List;
import java.util.Objects;

/**
 * Everything a checkpoint holds besides the model: where training stands, how it got there and
 * what it ran on. The random state needs no saving: the shuffle and dropout seeds are functions of
 * (seed, epoch, round, worker), so a resumed job draws exactly what the uninterrupted one would.
 *
 * @param epoch       the last completed epoch; a resumed job starts at epoch + 1
 * @param iteration   optimiser steps so far (also in the model's configuration)
 * @param workers     the number of workers actually used (a resumed job keeps it unless told otherwise)
 * @param lrScheduler the learning-rate schedule after stepping on this epoch: its lr(epoch + 1) is next
 * @param data        the shape of the examples and the class names (CSV's label map) the model was trained on
 * @param transforms  the transforms, normalize(auto) resolved: what evaluation and prediction apply
 * @param history     every completed epoch's metrics, oldest first
 * @param best        the best epoch so far by the job's --keep-best metric, or null
 */
public record TrainingState(int format, int epoch, int iteration, int workers, JobSpec spec, LrSchedule lrScheduler,
                            DataSummary trainData, DataSummary testData, DatasetInfo data, String transforms,
                            List<EpochResult> history, Best best, Versions versions) {
    public static final int FORMAT = 1;

    public TrainingState {
        JobOptions.checked(Objects.requireNonNull(spec, "spec")); // a checkpoint's spec passes the options' checks too
    }

    /** The best epoch by a metric. */
    public record Best(String metric, int epoch, double value) {
    }
}
