package io.kindling.driver.cli;

import io.kindling.datasets.HadoopFiles;
import io.kindling.datasets.transform.Pipeline;
import io.kindling.driver.checkpoint.ModelWriter;
import io.kindling.driver.job.DataSpec;
import io.kindling.driver.job.JobOption;
import io.kindling.driver.job.JobOptions;
import io.kindling.driver.job.JobSpec;
import io.kindling.driver.predict.PredictionInputs;
import io.kindling.driver.predict.Predictor;
import io.kindling.driver.predict.TablePredictions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kindling predict}: images or CSV rows in, the predicted class and every class's probability
 * out, as CSV, in this JVM (a local Spark for tables): for files at hand. With {@code --input} or
 * {@code --table}, tables are scored on Spark ({@code --master}) by the Spark ML model's distributed
 * transform and written as Parquet or CSV: for datasets.
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
        return List.of(JobOptions.SAVED_MODEL, JobOptions.CHECKPOINT, JobOptions.OUTPUT, BATCH_SIZE, JobOptions.INPUT,
                JobOptions.TABLE, JobOptions.FORMAT, JobOptions.HEADER, JobOptions.OUTPUT_FORMAT, JobOptions.MASTER);
    }

    @Parameters(arity = "0..*", paramLabel = "INPUT",
            description = "Image files or folders (for an image model), CSV files or folders (for a tabular"
                    + " model), or tables of the model's --format (for a model trained on a table); any Hadoop"
                    + " FileSystem URI. Read in this JVM; for tables on Spark, use --input or --table.")
    List<String> inputs;

    @Override
    public Integer call() throws IOException {
        TrainedModel.Named named = TrainedModel.Named.by(commandSpec);
        String output = CommandOptions.value(commandSpec, JobOptions.OUTPUT);
        int batchSize = CommandOptions.value(commandSpec, BATCH_SIZE);
        List<String> tables = CommandOptions.value(commandSpec, JobOptions.INPUT);
        String table = CommandOptions.value(commandSpec, JobOptions.TABLE);
        boolean onSpark = !tables.isEmpty() || table != null;
        if (onSpark == (inputs != null && !inputs.isEmpty()) || !tables.isEmpty() && table != null) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(), "give INPUT files, --input URI or"
                    + " --table NAME: one of them");
        }
        if (onSpark) {
            if (output == null) {
                throw new CommandLine.ParameterException(commandSpec.commandLine(), "--input and --table need"
                        + " --output: the predictions of a table are a table");
            }
            return onSpark(named, tables, table, output, batchSize);
        }
        Configuration conf = new Configuration();
        // stdout may be the predictions' CSV: notes on skipped checkpoints go to stderr
        TrainedModel trained = named.load(conf, System.err::println);
        DataSpec dataset = trained.dataset();
        if (CommandOptions.given(commandSpec, JobOptions.HEADER)) { // these files' header, not the training files'
            dataset = JobSpec.builder().data(dataset).csvHeader(CommandOptions.value(commandSpec, JobOptions.HEADER))
                    .build().data();
        }
        PredictionInputs reader = new PredictionInputs(trained.data(), dataset, conf);
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

    /** The rows of tables scored on Spark, written to {@code output} whole or not at all. */
    private int onSpark(TrainedModel.Named named, List<String> tables, String table, String output, int batchSize) {
        String master = CommandOptions.value(commandSpec, JobOptions.MASTER);
        try (JavaSparkContext sc = SparkContexts.create(master, "kindling predict")) {
            TrainedModel trained = named.load(sc.hadoopConfiguration(), System.err::println);
            TablePredictions predictions = new TablePredictions(trained.net(), new ModelWriter.Metadata(trained.data(),
                    trained.transforms(), trained.dataset()), batchSize);
            Dataset<Row> rows = TablePredictions.read(table, tables, CommandOptions.value(commandSpec,
                    JobOptions.FORMAT), CommandOptions.value(commandSpec, JobOptions.HEADER), sc.defaultParallelism(),
                    sc.hadoopConfiguration());
            long count = predictions.write(rows, output, CommandOptions.value(commandSpec, JobOptions.OUTPUT_FORMAT),
                    sc);
            System.err.printf("Predicted %d rows with %s into %s%n", count, trained.description(), output);
        }
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
