package io.kindling.driver.cli;

import io.kindling.driver.data.Dataset;
import io.kindling.driver.data.Datasets;
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
            description = "Download a dataset into a directory (any Hadoop FileSystem URI): mnist checked by the"
                    + " SHA-256 of every file's raw content, cifar10 by its archive's published MD5 and file sizes.")
    static final class Fetch implements Runnable {
        @Parameters(index = "0", paramLabel = "DATASET", description = "Dataset to fetch: mnist or cifar10.")
        String dataset;

        @Option(names = "--dir", paramLabel = "URI",
                description = "Target directory (default: ~/.cache/kindling/datasets/DATASET).")
        String dir;

        @Option(names = "--mirror", paramLabel = "URI",
                description = "An extra mirror tried first: a base URL, a Hadoop URI or a local directory"
                        + " holding the files (mnist: raw or .gz; cifar10: cifar-10-binary.tar.gz). Repeatable.")
        List<String> mirrors = new ArrayList<>();

        @Override
        public void run() {
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
}
