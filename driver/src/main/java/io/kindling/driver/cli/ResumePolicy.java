package io.kindling.driver.cli;

import io.kindling.driver.checkpoint.TrainingState;
import io.kindling.driver.data.Datasets;
import io.kindling.driver.job.JobSpec;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The spec of a resumed job: the checkpoint's, with the options that may change (how long to train,
 * the learning rate, logging, where data and outputs live, evaluation, worker count) taken from the
 * command line only when given explicitly. Any other option given explicitly (the model, the loss,
 * the optimiser and scheduler and their arguments, ...) must equal the checkpoint's value: a resumed
 * job continues the same training, it does not start another.
 */
final class ResumePolicy {
    private ResumePolicy() {
    }

    private record Changeable(String option, BiConsumer<JobSpec.Builder, JobSpec> apply) {
    }

    private record Fixed(String option, Function<JobSpec, Object> value) {
    }

    private static final Set<Changeable> CHANGEABLE = Set.of(
            new Changeable("--epochs", (b, g) -> b.epochs(g.epochs())),
            new Changeable("--lr", (b, g) -> b.lr(g.optimizer().lr())),
            new Changeable("--log-interval", (b, g) -> b.logInterval(g.logInterval())),
            new Changeable("--test-batch-size", (b, g) -> b.testBatchSize(g.testBatchSize())),
            new Changeable("--limit-test", (b, g) -> b.limitTest(g.data().limitTest())),
            new Changeable("--dry-run", (b, g) -> b.dryRun(g.dryRun())),
            new Changeable("--save-model", (b, g) -> b.saveModel(g.saveModel())),
            new Changeable("--keep-last", (b, g) -> b.keepLast(g.keepLast())),
            new Changeable("--keep-best", (b, g) -> b.keepBest(g.keepBest())),
            new Changeable("--run-dir", (b, g) -> b.runDir(g.runDir())),
            new Changeable("--data-dir", (b, g) -> b.dataDir(g.data().dir())),
            new Changeable("--mirror", (b, g) -> b.mirrors(g.data().mirrors())),
            new Changeable("--download", (b, g) -> b.download(g.data().download())),
            new Changeable("--test-data", (b, g) -> b.testData(g.data().testData())),
            new Changeable("--cache", (b, g) -> b.cache(g.data().cache())),
            new Changeable("--skip-bad-records", (b, g) -> b.skipBadRecords(g.data().skipBadRecords())),
            new Changeable("--workers", (b, g) -> b.workers(g.workers())),
            new Changeable("--segment-seconds", (b, g) -> b.segmentSeconds(g.segmentSeconds())));

    private static final Set<Fixed> FIXED = Set.of(
            new Fixed("--model", JobSpec::model),
            new Fixed("--model-file", JobSpec::modelFile),
            new Fixed("--hidden", JobSpec::hidden),
            new Fixed("--loss", JobSpec::loss),
            new Fixed("--dataset", s -> s.data().dataset()),
            new Fixed("--train-data", s -> s.data().trainData()),
            new Fixed("--header", s -> s.data().csvHeader()),
            new Fixed("--label-column", s -> s.data().labelColumn()),
            new Fixed("--delimiter", s -> s.data().delimiter()),
            new Fixed("--regression", s -> s.data().regression()),
            new Fixed("--image-size", s -> s.data().imageHeight() + "x" + s.data().imageWidth()),
            new Fixed("--grayscale", s -> s.data().grayscale()),
            new Fixed("--transforms", s -> Datasets.transforms(s.data()).text()),
            new Fixed("--validation-split", s -> s.data().validationSplit()),
            new Fixed("--drop-last", s -> s.data().dropLast()),
            new Fixed("--batch-size", JobSpec::batchSize),
            new Fixed("--optimizer", s -> s.optimizer().name()),
            new Fixed("--momentum", s -> s.optimizer().momentum()),
            new Fixed("--nesterov", s -> s.optimizer().nesterov()),
            new Fixed("--weight-decay", s -> s.optimizer().weightDecay()),
            new Fixed("--clip-grad-norm", s -> s.optimizer().clipGradNorm()),
            new Fixed("--scheduler", s -> s.scheduler().name()),
            new Fixed("--gamma", s -> s.scheduler().gamma()),
            new Fixed("--step-size", s -> s.scheduler().stepSize()),
            new Fixed("--milestones", s -> s.scheduler().milestones()),
            new Fixed("--t-max", s -> s.scheduler().tMax()),
            new Fixed("--eta-min", s -> s.scheduler().etaMin()),
            new Fixed("--plateau-metric", s -> s.scheduler().metric()),
            new Fixed("--plateau-mode", s -> s.scheduler().mode()),
            new Fixed("--factor", s -> s.scheduler().factor()),
            new Fixed("--patience", s -> s.scheduler().patience()),
            new Fixed("--threshold", s -> s.scheduler().threshold()),
            new Fixed("--threshold-mode", s -> s.scheduler().thresholdMode()),
            new Fixed("--cooldown", s -> s.scheduler().cooldown()),
            new Fixed("--min-lr", s -> s.scheduler().minLr()),
            new Fixed("--lr-lambda", s -> s.scheduler().lambda()),
            new Fixed("--seed", JobSpec::seed),
            new Fixed("--limit-train", s -> s.data().limitTrain()),
            new Fixed("--averaging-frequency", JobSpec::averagingFrequency),
            new Fixed("--optimizer-state", JobSpec::optimizerState));

    /**
     * @param given    the spec the command line describes (defaults for options not given)
     * @param explicit the long names of the options given on the command line
     */
    static JobSpec merge(TrainingState state, JobSpec given, Set<String> explicit) {
        JobSpec saved = state.spec();
        for (Fixed fixed : FIXED) {
            Object now = fixed.value().apply(given);
            Object then = fixed.value().apply(saved);
            if (explicit.contains(fixed.option()) && !Objects.equals(now, then)) {
                throw new IllegalArgumentException(fixed.option() + " " + now + ": the checkpoint was trained with "
                        + then + ", and it cannot change when resuming");
            }
        }
        JobSpec.Builder merged = saved.toBuilder()
                .workers(state.workers())
                .checkpointDir(given.checkpointDir());
        for (Changeable option : CHANGEABLE) {
            if (explicit.contains(option.option())) {
                option.apply().accept(merged, given);
            }
        }
        return merged.build();
    }
}
