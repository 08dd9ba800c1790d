package io.kindling.driver.train;

import io.kindling.driver.checkpoint.TrainingState;
import io.kindling.driver.data.Datasets;
import io.kindling.driver.job.JobOption;
import io.kindling.driver.job.JobOptions;
import io.kindling.driver.job.JobSpec;
import java.util.Objects;
import java.util.Set;

/**
 * The spec of a resumed job: the checkpoint's, with the options given on the command line applied
 * as each declares ({@link JobOption.Resume}): a changeable one (how long to train, the learning
 * rate, logging, where data and outputs live, evaluation, worker count) takes the new value; a fixed
 * one (the model, the loss, the optimiser and scheduler and their arguments, ...) must equal the
 * checkpoint's, since a resumed job continues the same training. Options not given are the
 * checkpoint's, and the worker count is the one the checkpoint actually used.
 */
public final class ResumePolicy {
    private ResumePolicy() {
    }

    /**
     * @param given    the spec the command line describes (defaults for options not given)
     * @param explicit the long names of the options given on the command line
     */
    public static JobSpec merge(TrainingState state, JobSpec given, Set<String> explicit) {
        JobSpec saved = withDatasetDefaults(state.spec());
        JobSpec.Builder merged = saved.toBuilder().workers(state.workers());
        for (JobOption<?> option : JobOptions.TRAIN) {
            if (!explicit.contains(option.name())) {
                continue;
            }
            switch (option.resume()) {
                case FIXED -> {
                    Object now = option.read(given);
                    Object then = option.read(saved);
                    if (!Objects.equals(now, then)) {
                        throw new IllegalArgumentException(option.name() + " " + now + ": the checkpoint was trained"
                                + " with " + then + ", and it cannot change when resuming");
                    }
                }
                case CHANGEABLE -> option.applyParsed(merged, option.read(given));
                case RUN -> {
                    // not part of the job
                }
                default -> throw new IllegalStateException(option.name() + ": " + option.resume());
            }
        }
        return merged.build();
    }

    /** A spec from before specs held the dataset's transforms with those written in. */
    private static JobSpec withDatasetDefaults(JobSpec spec) {
        if (spec.data().transforms() != null) {
            return spec;
        }
        return spec.toBuilder().transforms(Datasets.named(spec.data().dataset()).defaultTransforms()).build();
    }
}
