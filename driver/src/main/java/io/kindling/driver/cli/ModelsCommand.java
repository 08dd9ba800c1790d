package io.kindling.driver.cli;

import io.kindling.driver.job.JobSpec;
import io.kindling.driver.model.ModelBuilder;
import io.kindling.driver.model.ModelFactory;
import io.kindling.driver.model.ModelZoo;
import io.kindling.driver.model.Shape;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kindling models [NAME...]}: each model with its layers, output shapes and parameter counts. */
@Command(name = "models", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List the models: layers like print(net), the shape after each layer, parameter counts.")
public final class ModelsCommand implements Runnable {
    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Models to show (default: all of ${COMPLETION-CANDIDATES}).",
            completionCandidates = TrainCommand.Models.class)
    List<String> names = new ArrayList<>();

    @Option(names = "--model-file", paramLabel = "URI", description = "Show a model spec or DL4J configuration file instead.")
    String modelFile;

    @Option(names = "--input", paramLabel = "CxHxW",
            description = "Input shape (default: the shape of the dataset each model was written for).")
    String input;

    @Option(names = "--classes", description = "Number of classes (default: ${DEFAULT-VALUE}).")
    int classes = 10;

    @Option(names = "--hidden", split = ",", paramLabel = "N,N", description = "Hidden widths of mlp (default: 256,128).")
    List<Integer> hidden = new ArrayList<>(ModelZoo.DEFAULT_HIDDEN);

    @Option(names = "--show-spec", description = "Also print each zoo model's spec (YAML), a starting point for --model-file.")
    boolean showSpec;

    @Override
    public void run() {
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
}
