package io.kindling.driver.cli;

import io.kindling.driver.data.Dataset;
import io.kindling.driver.data.Datasets;
import io.kindling.driver.job.JobOption;
import io.kindling.driver.job.JobOptions;
import io.kindling.driver.job.JobSpec;
import io.kindling.driver.model.ModelZoo;
import io.kindling.driver.schedule.LrSchedule;
import io.kindling.driver.train.TrainingJob;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code kindling train}: the options of the pytorch/examples MNIST script, plus Spark's and
 * torch.optim's, as {@link JobOptions#TRAIN} declares them.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a model with parameter averaging on Spark, evaluating after every epoch.")
public final class TrainCommand implements Callable<Integer>, CommandOptions.TakesOptions {
    @Spec
    CommandLine.Model.CommandSpec commandSpec;

    @Override
    public List<JobOption<?>> options() {
        return JobOptions.TRAIN;
    }

    @Override
    public Integer call() {
        JobSpec spec = spec();
        boolean resume = CommandOptions.value(commandSpec, JobOptions.RESUME);
        if (resume && spec.checkpointDir() == null) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(), "--resume needs --checkpoint-dir");
        }
        String master = CommandOptions.value(commandSpec, JobOptions.MASTER);
        try (JavaSparkContext sc = SparkContexts.create(master, "kindling train " + spec.modelName())) {
            TrainingJob job;
            try {
                job = TrainingJob.of(spec, resume, explicitOptions(), sc, System.out);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(commandSpec.commandLine(), e.getMessage());
            }
            job.run();
        }
        return 0;
    }

    private Set<String> explicitOptions() {
        Set<String> explicit = new HashSet<>();
        for (JobOption<?> option : JobOptions.TRAIN) {
            if (CommandOptions.given(commandSpec, option)) {
                explicit.add(option.name());
            }
        }
        return explicit;
    }

    /**
     * The job spec, or a usage error naming the offending option. The dataset's directory and
     * transforms, when not given, are the dataset's own, written into the spec.
     */
    JobSpec spec() {
        try {
            if (CommandOptions.given(commandSpec, JobOptions.MODEL_FILE)
                    && CommandOptions.given(commandSpec, JobOptions.MODEL)) {
                throw new IllegalArgumentException("--model and --model-file: give one of them");
            }
            String model = CommandOptions.value(commandSpec, JobOptions.MODEL);
            if (!CommandOptions.given(commandSpec, JobOptions.MODEL_FILE)) {
                ModelZoo.requireKnown(model);
            }
            JobSpec.Builder b = CommandOptions.applyGiven(commandSpec, JobOptions.TRAIN, JobSpec.builder());
            Dataset dataset = Datasets.named(CommandOptions.value(commandSpec, JobOptions.DATASET));
            if (!CommandOptions.given(commandSpec, JobOptions.DATA_DIR)) {
                b.dataDir(dataset.defaultDir());
            }
            if (!CommandOptions.given(commandSpec, JobOptions.TRANSFORMS)) {
                b.transforms(dataset.defaultTransforms());
            }
            JobSpec spec = b.build();
            LrSchedule.of(spec.scheduler(), 1.0, spec.epochs()); // the scheduler's own arguments, now
            Datasets.of(spec.data()); // the dataset's own checks, before Spark starts
            return spec;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(), e.getMessage());
        }
    }
}
