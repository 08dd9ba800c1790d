package io.kindling.driver.cli;

import io.kindling.datasets.DatasetInfo;
import io.kindling.driver.checkpoint.Checkpoints;
import io.kindling.driver.checkpoint.ModelWriter;
import io.kindling.driver.checkpoint.SavedModel;
import io.kindling.driver.checkpoint.TrainingState;
import io.kindling.driver.job.DataSpec;
import io.kindling.driver.job.JobOptions;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A trained network with what evaluating or predicting needs besides the weights: the example shape
 * and class names, the transforms, and the dataset options it trained with. From a checkpoint
 * ({@code --checkpoint}) or a model saved by {@code --save-model} or {@code checkpoints export}
 * ({@code --saved-model}).
 */
record TrainedModel(MultiLayerNetwork net, DatasetInfo data, String transforms, DataSpec dataset, long seed,
                    String description) {

    /** The trained model a command names: exactly one of {@code --checkpoint} and {@code --saved-model}. */
    record Named(String checkpoint, String savedModel) {
        static Named by(CommandSpec command) {
            Named named = new Named(CommandOptions.value(command, JobOptions.CHECKPOINT),
                    CommandOptions.value(command, JobOptions.SAVED_MODEL));
            if ((named.checkpoint == null) == (named.savedModel == null)) {
                throw new CommandLine.ParameterException(command.commandLine(), "give --checkpoint or --saved-model");
            }
            return named;
        }

        /** Reads it; {@code report} takes notes on skipped checkpoints. */
        TrainedModel load(Configuration conf, java.util.function.Consumer<String> report) {
            return checkpoint != null ? fromCheckpoint(checkpoint, conf, report) : fromModelFile(savedModel, conf);
        }
    }

    static TrainedModel fromCheckpoint(String uri, Configuration conf, java.util.function.Consumer<String> report) {
        Checkpoints.Resolved resolved = Checkpoints.resolve(uri, conf, report);
        TrainingState state = resolved.store().readState(resolved.checkpoint());
        MultiLayerNetwork net = resolved.store().readModel(resolved.checkpoint(), false);
        String description = String.format("checkpoint %s (%s, epoch %d, %d iterations)", resolved.checkpoint().dir(),
                state.spec().modelName(), state.epoch(), state.iteration());
        return new TrainedModel(net, state.data(), state.transforms(), state.spec().data(), state.spec().seed(),
                description);
    }

    static TrainedModel fromModelFile(String uri, Configuration conf) {
        SavedModel saved = SavedModel.read(uri, conf, "--saved-model " + uri);
        ModelWriter.Metadata metadata = saved.metadata();
        return new TrainedModel(saved.net(), metadata.data(), metadata.transforms(), metadata.dataset(), 1,
                "model " + uri);
    }
}
