package io.kindling.driver.cli;

import io.kindling.datasets.mnist.MnistFetch;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kindling datasets fetch mnist --dir D [--mirror URI]...} */
@Command(name = "datasets", description = "Dataset tools.", mixinStandardHelpOptions = true,
        subcommands = DatasetsCommand.Fetch.class)
public final class DatasetsCommand {

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Download a dataset into a directory (any Hadoop FileSystem URI), verifying the"
                    + " SHA-256 of every file's raw content.")
    static final class Fetch implements Runnable {
        @Parameters(index = "0", paramLabel = "DATASET", description = "Dataset to fetch: mnist.")
        String dataset;

        @Option(names = "--dir", paramLabel = "URI", description = "Target directory (default: ${DEFAULT-VALUE}).")
        String dir = DataDirs.defaultFor("mnist");

        @Option(names = "--mirror", paramLabel = "URI",
                description = "An extra mirror tried first: a base URL, a Hadoop URI or a local directory"
                        + " holding the files (raw or .gz). Repeatable.")
        List<String> mirrors = new ArrayList<>();

        @Override
        public void run() {
            if (!"mnist".equals(dataset)) {
                throw new IllegalArgumentException("dataset " + dataset + ": unknown, expected mnist");
            }
            MnistFetch.into(dir, mirrors, new Configuration(), System.out::println);
            System.out.println("MNIST is in " + dir);
        }
    }
}
