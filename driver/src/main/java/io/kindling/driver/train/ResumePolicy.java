package io.kindling.driver.train;

import io.kindling.driver.checkpoint.TrainingState;
import io.kindling.driver.data.Datasets;
import io.kindling.driver.job.JobOption;
import io.kindling.driver.job.JobOptions;
import io.kindling.driver.job.JobSpec;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The spec of a resumed job: the checkpoint's, with the options given on the command line applied
 * as each declares ({@link JobOption.Resume}): a changeable one (how long to train, the learning
 * rate, logging, evaluation, worker count) takes the new value; a fixed
 * one (the model, the loss, the optimiser and scheduler and their arguments, ...) must equal the
 * checkpoint's, since a resumed job continues the same training. Options not given are the
 * checkpoint's, and the worker count is the one the checkpoint actually used. Locations of data and
 * outputs are always the command line's ({@link #LOCATIONS}).
 */
public final class ResumePolicy {
    /**
     * Where the job reads data and writes outputs: a resumed job takes these from its own command line
     * (the defaults where not given), never from the checkpoint's recorded spec, which is shown only.
     * A checkpoint on shared storage must not redirect a job's reads or writes; the data itself is
     * still checked against the checkpoint's fingerprint.
     */
    static final List<JobOption<?>> LOCATIONS = List.of(JobOptions.DATA_DIR, JobOptions.TRAIN_DATA,
            JobOptions.TEST_DATA, JobOptions.TABLE, JobOptions.TEST_TABLE, JobOptions.MIRROR, JobOptions.SAVE_MODEL,
            JobOptions.RUN_DIR);

    private ResumePolicy() {
    }

    /**
     * @param given    the spec the command line describes (defaults for options not given)
     * @param explicit the long names of the options given on the command line
     */
    public static JobSpec merge(TrainingState state, JobSpec given, Set<String> explicit, Consumer<String> report) {
        JobSpec saved = withDatasetDefaults(state.spec());
        JobSpec.Builder merged = saved.toBuilder().workers(state.workers());
        for (JobOption<?> option : JobOptions.TRAIN) {
            if (LOCATIONS.contains(option)) {
                Object now = option.read(given);
                Object then = option.read(saved);
                option.applyParsed(merged, now);
                boolean recorded = then != null && !(then instanceof List<?> list && list.isEmpty());
                if (recorded && !explicit.contains(option.name()) && !Objects.equals(now, then)) {
                    report.accept("The checkpoint's job had " + option.name() + " " + text(then) + "; not used on"
                            + " --resume: give " + option.name() + " again to use it");
                }
                continue;
            }
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

    private static String text(Object value) {
        return value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
                : String.valueOf(value);
    }

    /** A spec from before specs held the dataset's transforms with those written in. */
    private static JobSpec withDatasetDefaults(JobSpec spec) {
        if (spec.data().transforms() != null) {
            return spec;
        }
        return spec.toBuilder().transforms(Datasets.named(spec.data().dataset()).defaultTransforms()).build();
    }
}
