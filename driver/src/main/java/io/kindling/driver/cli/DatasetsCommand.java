package io.kindling.driver.cli;

import io.kindling.driver.data.Dataset;
import io.kindling.driver.data.Datasets;
import io.kindling.driver.data.TableExport;
import io.kindling.driver.job.DataSpec;
import io.kindling.driver.job.JobOption;
import io.kindling.driver.job.JobOptions;
import io.kindling.driver.job.JobSpec;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kindling datasets fetch mnist --data-dir D [--mirror URI]...} and
 * {@code kindling datasets export mnist --format parquet --output URI}.
 */
@Command(name = "datasets", description = "Dataset tools.", mixinStandardHelpOptions = true,
        subcommands = {DatasetsCommand.Fetch.class, DatasetsCommand.Export.class})
public final class DatasetsCommand {

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Download a dataset into a directory (any Hadoop FileSystem URI): mnist checked by the"
                    + " SHA-256 of every file's raw content, cifar10 by its archive's published MD5 and file sizes.")
    static final class Fetch implements Runnable, CommandOptions.TakesOptions {
        @Spec
        CommandLine.Model.CommandSpec commandSpec;

        @Parameters(index = "0", paramLabel = "DATASET", description = "Dataset to fetch: mnist or cifar10.")
        String dataset;

        @Override
        public List<JobOption<?>> options() {
            return List.of(JobOptions.DATA_DIR, JobOptions.MIRROR);
        }

        @Override
        public void run() {
            String dir = CommandOptions.value(commandSpec, JobOptions.DATA_DIR);
            List<String> mirrors = CommandOptions.value(commandSpec, JobOptions.MIRROR);
            Dataset kind = Datasets.named(dataset);
            if (!kind.downloadable()) {
                throw new IllegalArgumentException("dataset " + dataset + ": the user's files, nothing to fetch; expected"
                        + " one of " + Datasets.ALL.stream().filter(Dataset::downloadable).map(Dataset::name).toList());
            }
            String target = dir != null ? dir : kind.defaultDir();
            kind.fetch(target, mirrors, new Configuration(), System.out::println);
            System.out.println(dataset + " is in " + target);
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write mnist or cifar10 as tables, OUTPUT/train and OUTPUT/test: an `image` column of PNG"
                    + " files and an integer `label`, in the dataset's order; fetched first when missing.")
    static final class Export implements Runnable, CommandOptions.TakesOptions {
        @Spec
        CommandLine.Model.CommandSpec commandSpec;

        @Parameters(index = "0", paramLabel = "DATASET", description = "Dataset to export: mnist or cifar10.")
        String dataset;

        private static final List<JobOption<?>> OPTIONS = List.of(JobOptions.FORMAT, JobOptions.OUTPUT.required(),
                JobOptions.DATA_DIR, JobOptions.MIRROR, JobOptions.DOWNLOAD, JobOptions.MASTER);

        @Override
        public List<JobOption<?>> options() {
            return OPTIONS;
        }

        @Override
        public void run() {
            Dataset kind = Datasets.named(dataset);
            String dir = CommandOptions.value(commandSpec, JobOptions.DATA_DIR);
            JobSpec.Builder job = CommandOptions.applyGiven(commandSpec, OPTIONS, JobSpec.builder().dataset(dataset));
            DataSpec data = job.dataDir(dir != null ? dir : kind.defaultDir()).build().data();
            try (JavaSparkContext sc = SparkContexts.create(CommandOptions.value(commandSpec, JobOptions.MASTER),
                    "kindling datasets export")) {
                TableExport.write(kind, data, CommandOptions.value(commandSpec, JobOptions.FORMAT),
                        CommandOptions.value(commandSpec, JobOptions.OUTPUT), sc, System.out);
            }
        }
    }
}
