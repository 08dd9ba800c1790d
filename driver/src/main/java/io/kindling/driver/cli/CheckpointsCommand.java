package io.kindling.driver.cli;

import io.kindling.driver.checkpoint.CheckpointStore;
import io.kindling.driver.checkpoint.Checkpoints;
import io.kindling.driver.checkpoint.ModelExport;
import io.kindling.driver.checkpoint.ModelWriter;
import io.kindling.driver.checkpoint.TrainingState;
import io.kindling.driver.job.EpochResult;
import io.kindling.driver.job.JobOption;
import io.kindling.driver.job.JobOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kindling checkpoints list URI} and {@code kindling checkpoints export URI --output OUT}. */
@Command(name = "checkpoints", description = "Inspect and export checkpoints.", mixinStandardHelpOptions = true,
        subcommands = {CheckpointsCommand.ListCheckpoints.class, CheckpointsCommand.Export.class})
public final class CheckpointsCommand {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the checkpoints in a directory: epoch, validity (every file checked against the"
                    + " manifest), metrics, size.")
    static final class ListCheckpoints implements Runnable {
        @Parameters(index = "0", paramLabel = "URI", description = "The --checkpoint-dir of a job.")
        String uri;

        @Override
        public void run() {
            CheckpointStore store = new CheckpointStore(uri, new Configuration());
            List<CheckpointStore.Stored> all = store.list(true);
            if (all.isEmpty()) {
                System.out.println("No checkpoints in " + uri);
                return;
            }
            TrainingState.Best best = all.stream().filter(CheckpointStore.Stored::valid)
                    .reduce((a, b) -> b).map(s -> store.readState(s).best()).orElse(null);
            System.out.printf("%-12s %-6s %10s %10s %10s %9s  %s%n",
                    "checkpoint", "valid", "train_loss", "test_loss", "test_acc", "size", "note");
            for (CheckpointStore.Stored s : all) {
                String size = String.format(Locale.ROOT, "%.1f MB", s.bytes() / 1e6);
                if (!s.valid()) {
                    System.out.printf("%-12s %-6s %10s %10s %10s %9s  %s%n", s.name(), "no", "", "", "", size, s.problem());
                    continue;
                }
                EpochResult r = last(store.readState(s).history());
                String note = best != null && best.epoch() == s.epoch() ? "best " + best.metric() : "";
                System.out.printf(Locale.ROOT, "%-12s %-6s %10.4f %10.4f %9.2f%% %9s  %s%n", s.name(), "yes",
                        r.train().meanLoss(), r.test().averageLoss(), 100 * r.test().accuracy(), size, note);
            }
        }

        private static EpochResult last(List<EpochResult> history) {
            return history.get(history.size() - 1);
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Export a checkpoint's model: the whole model (DL4J zip, configuration and parameters)"
                    + " or, with --params-only, the parameters as an .npz of named arrays (like a state_dict).")
    static final class Export implements Runnable, CommandOptions.TakesOptions {
        @Spec
        CommandLine.Model.CommandSpec commandSpec;

        @Parameters(index = "0", paramLabel = "URI",
                description = "A checkpoint (…/epoch-NNNN) or a checkpoint directory (its newest valid checkpoint).")
        String uri;

        @Option(names = "--params-only", description = "Write only the parameters, as .npz.")
        boolean paramsOnly;

        @Override
        public List<JobOption<?>> options() {
            return List.of(JobOptions.OUTPUT.required());
        }

        @Override
        public void run() {
            String output = CommandOptions.value(commandSpec, JobOptions.OUTPUT);
            Configuration conf = new Configuration();
            Checkpoints.Resolved resolved = Checkpoints.resolve(uri, conf, System.out::println);
            MultiLayerNetwork net = resolved.store().readModel(resolved.checkpoint(), false);
            try {
                if (paramsOnly) {
                    ModelExport.parameters(net, output, conf);
                } else {
                    TrainingState state = resolved.store().readState(resolved.checkpoint());
                    ModelExport.wholeModel(net, new ModelWriter.Metadata(state.data(), state.transforms(),
                            state.spec().data()), output, conf);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("--output " + output + ": " + e.getMessage(), e);
            }
            System.out.println("Exported " + resolved.checkpoint().dir() + (paramsOnly ? " parameters" : " model")
                    + " to " + output);
        }
    }
}
