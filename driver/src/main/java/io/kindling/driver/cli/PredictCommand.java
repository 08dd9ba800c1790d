package io.kindling.driver.cli;

import io.kindling.datasets.HadoopFiles;
import io.kindling.datasets.transform.Pipeline;
import io.kindling.driver.job.JobOption;
import io.kindling.driver.job.JobOptions;
import io.kindling.driver.predict.PredictionInputs;
import io.kindling.driver.predict.Predictor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kindling predict}: images or CSV rows in, the predicted class and every class's probability
 * out, as CSV. Runs in this JVM, without Spark (a local one for tables): it is for files at hand, not for
 * datasets.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Predict the class (and class probabilities) of images or CSV rows with a trained model.")
public final class PredictCommand implements Callable<Integer>, CommandOptions.TakesOptions {
    @Spec
    CommandLine.Model.CommandSpec commandSpec;

    /** Inputs per forward pass: fewer than evaluation's, since predict runs in one JVM. */
    private static final JobOption<Integer> BATCH_SIZE = JobOptions.TEST_BATCH_SIZE.withDefault(256, null);

    @Override
    public List<JobOption<?>> options() {
        return List.of(JobOptions.SAVED_MODEL, JobOptions.CHECKPOINT, JobOptions.OUTPUT, BATCH_SIZE);
    }

    @Parameters(arity = "1..*", paramLabel = "INPUT",
            description = "Image files or folders (for an image model), CSV files or folders (for a tabular"
                    + " model), or tables of the model's --format (for a model trained on a table); any Hadoop"
                    + " FileSystem URI.")
    List<String> inputs;

    @Override
    public Integer call() throws IOException {
        TrainedModel.Named named = TrainedModel.Named.by(commandSpec);
        String output = CommandOptions.value(commandSpec, JobOptions.OUTPUT);
        int batchSize = CommandOptions.value(commandSpec, BATCH_SIZE);
        Configuration conf = new Configuration();
        // stdout may be the predictions' CSV: notes on skipped checkpoints go to stderr
        TrainedModel trained = named.load(conf, System.err::println);
        PredictionInputs reader = new PredictionInputs(trained.data(), trained.dataset(), conf);
        Pipeline transforms = Pipeline.parse(trained.transforms());
        if (output == null) {
            predict(reader, trained, transforms, batchSize, System.out);
            return 0;
        }
        long[] count = new long[1];
        HadoopFiles.writeAtomically(new Path(output), conf, (OutputStream out) -> {
            PrintStream print = new PrintStream(out, false, StandardCharsets.UTF_8);
            count[0] = predict(reader, trained, transforms, batchSize, print);
            if (print.checkError()) {
                throw new IOException("write failed");
            }
        });
        System.err.printf("Predicted %d inputs with %s into %s%n", count[0], trained.description(), output);
        return 0;
    }

    private long predict(PredictionInputs reader, TrainedModel trained, Pipeline transforms, int batchSize,
                         PrintStream out) {
        Predictor predictor = new Predictor(trained.net(), trained.data(), transforms, batchSize, out);
        reader.forEach(inputs, predictor::accept);
        predictor.close();
        return predictor.count();
    }
}
