package io.kindling.driver.cli;

import io.kindling.driver.bench.GemmRate;
import io.kindling.driver.bench.MnistBenchmark;
import io.kindling.driver.bench.ModelThroughput;
import io.kindling.driver.data.Mnist;
import io.kindling.driver.job.JobOption;
import io.kindling.driver.job.JobOptions;
import io.kindling.driver.job.JobSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kindling benchmark}: ND4J's matrix-multiply rate, the zoo models' training speed against it,
 * then one MNIST epoch, plain DL4J versus Kindling. Results go in BENCHMARKS.md.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"(1) ND4J SGEMM GFLOP/s; (2) per model: training examples/s, achieved GFLOP/s and their"
                + " share of the SGEMM rate; (3) one epoch of the MNIST CNN with (a) plain DL4J fit in this JVM and"
                + " (b) Kindling on Spark: examples/s, epoch seconds, test accuracy, the overhead ratio b/a and"
                + " where the averaging rounds spent their time."})
public final class BenchmarkCommand implements Callable<Integer>, CommandOptions.TakesOptions {
    @Option(names = "--gemm-size", paramLabel = "N", description = "Square matrix size of the SGEMM (default: ${DEFAULT-VALUE}).")
    int gemmSize = 2048;

    @Option(names = "--models", split = ",", paramLabel = "NAME",
            description = "Models whose speed to measure: zoo image models, or dense networks as"
                    + " mlp:IN-HIDDEN...-CLASSES (default: ${DEFAULT-VALUE}).")
    List<String> models = new ArrayList<>(List.of("mnist-cnn", "lenet5", "cifar10-cnn", "mlp:784-256-10",
            "mlp:784-256-128-10", "mlp:100-256-256-2"));

    @Option(names = "--batch-sizes", split = ",", paramLabel = "N",
            description = "Minibatch sizes to measure each model at (default: ${DEFAULT-VALUE}).")
    List<Integer> batchSizes = new ArrayList<>(List.of(64));

    @Option(names = "--batches", paramLabel = "N",
            description = "Timed minibatches per model, batch size and setting, after 5 untimed (default: ${DEFAULT-VALUE}).")
    int batches = 30;

    @Option(names = "--skip-epoch", description = "Stop after the speed table: no MNIST epoch comparison.")
    boolean skipEpoch;

    private static final JobOption<String> MASTER = JobOptions.MASTER.withDefault("local[2]", null);
    private static final JobOption<Integer> WORKERS = JobOptions.WORKERS.withDefault(2, null);

    /** The declared options (b) takes. */
    private static final List<JobOption<?>> OPTIONS = List.of(MASTER, WORKERS,
            JobOptions.AVERAGING_FREQUENCY, JobOptions.DATA_DIR, JobOptions.MIRROR, JobOptions.LIMIT_TRAIN,
            JobOptions.LIMIT_TEST, JobOptions.SEED, JobOptions.CHECKPOINT_DIR);

    @Spec
    CommandLine.Model.CommandSpec commandSpec;

    @Override
    public List<JobOption<?>> options() {
        return OPTIONS;
    }

    @Override
    public Integer call() {
        if (gemmSize < 64 || batches < 1 || batchSizes.stream().anyMatch(b -> b < 1)) {
            throw new IllegalArgumentException("--gemm-size must be >= 64, --batches >= 1 and --batch-sizes >= 1, got "
                    + gemmSize + ", " + batches + " and " + batchSizes);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        double gemm = GemmRate.measure(gemmSize, cores, 5);
        System.out.printf(Locale.ROOT, "ND4J SGEMM %dx%d fp32, %d threads: %.1f GFLOP/s (best of 5)%n", gemmSize,
                gemmSize, cores, gemm);
        System.out.println("| model | batch | parameters | MFLOP/example | networks x threads | examples/s | GFLOP/s | of SGEMM |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (String model : models) {
            for (int batchSize : batchSizes) {
                for (int[] setting : new int[][] {{1, cores}, {cores, 1}}) {
                    ModelThroughput.Result r = ModelThroughput.measure(model, batchSize, 5, batches, setting[0],
                            setting[1], CommandOptions.value(commandSpec, JobOptions.SEED));
                    System.out.printf(Locale.ROOT, "| %s | %d | %d | %.3f | %d x %d | %.1f | %.2f | %.1f%% |%n",
                            r.model(), r.batchSize(), r.params(), r.flopsPerExample() / 1e6, r.copies(), r.threads(),
                            r.examplesPerSecond(), r.gflops(), 100 * r.gflops() / gemm);
                }
            }
        }
        double after = GemmRate.measure(gemmSize, cores, 5);
        System.out.println(gemmAgain(gemm, after));
        if (skipEpoch) {
            return 0;
        }
        Mnist mnist = new Mnist();
        JobSpec.Builder job = JobSpec.builder().dataDir(mnist.defaultDir()).transforms(mnist.defaultTransforms())
                .epochs(1).logInterval(100).workers(CommandOptions.value(commandSpec, WORKERS));
        JobSpec spec = CommandOptions.applyGiven(commandSpec, OPTIONS, job).build();
        mnist.ensure(spec.data(), new Configuration(), System.out);
        try (JavaSparkContext sc = SparkContexts.create(CommandOptions.value(commandSpec, MASTER),
                "kindling benchmark")) {
            new MnistBenchmark(spec, System.out).run(sc);
        }
        return 0;
    }

    /**
     * The reference measured again after the models, against the first: a VM's speed can drift by
     * tens of percent within minutes, and the shares above are only as good as their reference.
     */
    static String gemmAgain(double before, double after) {
        double change = 100 * (after - before) / before;
        String line = String.format(Locale.ROOT, "ND4J SGEMM again after the models: %.1f GFLOP/s (%+.0f%% against the"
                + " %.1f the shares above are of)", after, change, before);
        return Math.abs(change) > 10 ? line + "; the machine's speed changed during the run: compare examples/s,"
                + " not shares" : line;
    }
}
