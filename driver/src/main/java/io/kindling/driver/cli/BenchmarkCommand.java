package io.kindling.driver.cli;

import io.kindling.datasets.mnist.MnistFetch;
import io.kindling.datasets.mnist.MnistFiles;
import io.kindling.driver.bench.MnistBenchmark;
import io.kindling.driver.train.JobSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kindling benchmark}: one MNIST epoch, plain DL4J versus Kindling. Results go in BENCHMARKS.md. */
@Command(name = "benchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train one epoch of the MNIST CNN with (a) plain DL4J fit in this JVM and (b) Kindling"
                + " on Spark; print examples/s, epoch seconds, test accuracy and the overhead ratio b/a.")
public final class BenchmarkCommand implements Callable<Integer> {
    @Option(names = "--master", paramLabel = "URL", description = "Spark master for (b) (default: ${DEFAULT-VALUE}).")
    String master = "local[2]";

    @Option(names = "--workers", paramLabel = "N", description = "Workers for (b) (default: ${DEFAULT-VALUE}).")
    int workers = 2;

    @Option(names = "--averaging-frequency", paramLabel = "K", description = "k for (b) (default: ${DEFAULT-VALUE}).")
    int averagingFrequency = 5;

    @Option(names = "--data-dir", paramLabel = "URI", description = "MNIST directory (default: ${DEFAULT-VALUE}).")
    String dataDir = DataDirs.defaultFor("mnist");

    @Option(names = "--mirror", paramLabel = "URI", description = "Extra mirror if MNIST must be fetched. Repeatable.")
    List<String> mirrors = new ArrayList<>();

    @Option(names = "--limit-train", paramLabel = "N", description = "Train on the first N examples (default: all).")
    int limitTrain;

    @Option(names = "--limit-test", paramLabel = "N", description = "Evaluate on the first N examples (default: all).")
    int limitTest;

    @Option(names = "--seed", description = "Seed of both runs (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--checkpoint-dir", paramLabel = "URI",
            description = "Let (b) also write its epoch's checkpoint here, to measure what checkpointing costs.")
    String checkpointDir;

    @Override
    public Integer call() {
        if (!MnistFiles.present(dataDir, new Configuration())) {
            MnistFetch.into(dataDir, mirrors, new Configuration(), System.out::println);
        }
        JobSpec spec = JobSpec.builder().dataDir(dataDir).mirrors(mirrors).download(false).epochs(1).seed(seed)
                .logInterval(100).limitTrain(limitTrain).limitTest(limitTest).workers(workers)
                .averagingFrequency(averagingFrequency).checkpointDir(checkpointDir).build();
        try (JavaSparkContext sc = SparkContexts.create(master, "kindling benchmark")) {
            new MnistBenchmark(spec, System.out).run(sc);
        }
        return 0;
    }
}
