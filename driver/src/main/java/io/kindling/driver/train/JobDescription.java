package io.kindling.driver.train;

import io.kindling.driver.data.Dataset;
import io.kindling.driver.data.Datasets;
import io.kindling.driver.job.DataSpec;
import io.kindling.driver.job.JobSpec;
import io.kindling.driver.job.OptimizerSpec;
import io.kindling.driver.job.SchedulerSpec;
import io.kindling.driver.job.TableSpec;
import java.util.Locale;

/** The lines a job prints at its start: the settings that shape training, grouped, the dataset's defaults resolved. */
final class JobDescription {
    private JobDescription() {
    }

    private static String files(DataSpec d) {
        if (!"table".equals(d.dataset())) {
            return "train-data=" + d.trainData() + " test-data=" + d.testData();
        }
        TableSpec t = d.table();
        return (t.table() != null ? "table=" + t.table() : "format=" + t.format() + " train-data=" + d.trainData())
                + (t.testTable() != null ? " test-table=" + t.testTable() : " test-data=" + d.testData())
                + (t.where() != null ? " where=\"" + t.where() + "\"" : "")
                + (t.features().isEmpty() ? "" : " features=" + t.features());
    }

    /** A few lines describing {@code spec} (the data-format options, such as CSV's, are left to the data's own lines). */
    static String of(JobSpec spec) {
        OptimizerSpec o = spec.optimizer();
        DataSpec d = spec.data();
        Dataset dataset = Datasets.named(d.dataset());
        String transforms = dataset.transforms(d).text();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Kindling job: model=%s%s%s dataset=%s %s%n", spec.modelName(),
                "mlp".equals(spec.model()) ? " hidden=" + spec.hidden() : "",
                spec.loss() == null ? "" : " loss=" + spec.loss(), d.dataset(), dataset.readsUserFiles()
                        ? files(d) : "data-dir=" + d.dir()));
        s.append(String.format(Locale.ROOT, "  transforms=%s validation-split=%s drop-last=%s cache=%s%s%n",
                transforms.isEmpty() ? "none" : "\"" + transforms + "\"", d.validationSplit(), d.dropLast(), d.cache(),
                d.skipBadRecords() ? " skip-bad-records" : ""));
        s.append(String.format(Locale.ROOT, "  epochs=%d batch-size=%d test-batch-size=%d seed=%d workers=%s"
                        + " averaging-frequency=%d optimizer-state=%s segment-seconds=%s%n", spec.epochs(),
                spec.batchSize(), spec.testBatchSize(), spec.seed(), spec.workers() == 0 ? "default" : spec.workers(),
                spec.averagingFrequency(), spec.optimizerState(), spec.segmentSeconds()));
        s.append(String.format(Locale.ROOT, "  optimizer=%s lr=%s%s%s%s%s scheduler=%s%n", o.name(), o.lr(),
                o.momentum() > 0 ? " momentum=" + o.momentum() : "", o.nesterov() ? " nesterov" : "",
                o.weightDecay() > 0 ? " weight-decay=" + o.weightDecay() : "",
                o.clipGradNorm() > 0 ? " clip-grad-norm=" + o.clipGradNorm() : "", scheduler(spec.scheduler())));
        s.append(String.format(Locale.ROOT, "  log-interval=%d dry-run=%s limit-train=%s limit-test=%s",
                spec.logInterval(), spec.dryRun(), d.limitTrain() == 0 ? "all" : d.limitTrain(),
                d.limitTest() == 0 ? "all" : d.limitTest()));
        if (spec.checkpointDir() != null) {
            s.append(String.format("%n  checkpoint-dir=%s keep-last=%d keep-best=%s", spec.checkpointDir(),
                    spec.keepLast(), spec.keepBest()));
        }
        if (spec.runDir() != null) {
            s.append(String.format("%n  run-dir=%s", spec.runDir()));
        }
        if (spec.saveModel() != null) {
            s.append(String.format("%n  save-model=%s", spec.saveModel()));
        }
        return s.toString();
    }

    private static String scheduler(SchedulerSpec s) {
        return switch (s.name()) {
            case "step" -> "step(step-size=" + s.stepSize() + ", gamma=" + s.gamma() + ")";
            case "multistep" -> "multistep(milestones=" + s.milestones() + ", gamma=" + s.gamma() + ")";
            case "exponential" -> "exponential(gamma=" + s.gamma() + ")";
            case "cosine" -> "cosine(t-max=" + (s.tMax() > 0 ? s.tMax() : "epochs") + ", eta-min=" + s.etaMin() + ")";
            case "plateau" -> "plateau(" + s.metric() + ", mode=" + s.mode() + ", factor=" + s.factor() + ", patience="
                    + s.patience() + ", threshold=" + s.threshold() + " " + s.thresholdMode() + ", cooldown="
                    + s.cooldown() + ", min-lr=" + s.minLr() + ")";
            case "lambda" -> "lambda(" + s.lambda() + ")";
            default -> "none";
        };
    }
}
