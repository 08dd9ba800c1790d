package io.kindling.driver.cli;

import io.kindling.driver.job.JobOption;
import io.kindling.driver.job.JobOptions;
import io.kindling.driver.job.JobSpec;
import io.kindling.driver.model.ModelBuilder;
import io.kindling.driver.model.ModelFactory;
import io.kindling.driver.model.ModelZoo;
import io.kindling.driver.model.Shape;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kindling models [NAME...]}: each model with its layers, output shapes and parameter counts. */
@Command(name = "models", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List the models: layers like print(net), the shape after each layer, parameter counts.")
public final class ModelsCommand implements Runnable, CommandOptions.TakesOptions {
    @Spec
    CommandLine.Model.CommandSpec commandSpec;

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Models to show (default: all of ${COMPLETION-CANDIDATES}).",
            completionCandidates = ModelsCommand.Names.class)
    List<String> names = new ArrayList<>();

    @Option(names = "--shape", paramLabel = "CxHxW|N",
            description = "Input shape (default: the shape of the dataset each model was written for).")
    String input;

    @Option(names = "--classes", description = "Number of classes (default: ${DEFAULT-VALUE}).")
    int classes = 10;

    @Option(names = "--show-spec", description = "Also print each zoo model's spec (YAML), a starting point for --model-file.")
    boolean showSpec;

    @Override
    public List<JobOption<?>> options() {
        return List.of(JobOptions.MODEL_FILE, JobOptions.HIDDEN);
    }

    @Override
    public void run() {
        String modelFile = CommandOptions.value(commandSpec, JobOptions.MODEL_FILE);
        List<Integer> hidden = CommandOptions.value(commandSpec, JobOptions.HIDDEN);
        if (modelFile != null) {
            Shape shape = input != null ? Shape.parse(input) : Shape.image(1, 28, 28);
            show(JobSpec.builder().modelFile(modelFile).build(), shape);
            return;
        }
        for (String name : names.isEmpty() ? ModelZoo.NAMES : names) {
            Shape shape = input != null ? Shape.parse(input) : ModelZoo.MODELS.getOrDefault(name, Shape.image(1, 28, 28));
            show(JobSpec.builder().model(name).hidden(hidden).build(), shape);
            if (showSpec && !name.equals("mlp")) {
                System.out.println(ModelZoo.resource(name));
            }
        }
    }

    private void show(JobSpec spec, Shape shape) {
        ModelBuilder.Built built = ModelFactory.build(spec, shape, classes, false, new Configuration());
        System.out.println(built.summary());
        System.out.println();
    }

    /** The zoo's names, for the help's list. */
    static final class Names extends ArrayList<String> {
        Names() {
            super(ModelZoo.NAMES);
        }
    }
}
