package io.kindling.driver.cli;

import io.kindling.datasets.transform.Pipeline;
import io.kindling.driver.checkpoint.Checkpoints;
import io.kindling.driver.checkpoint.TrainingState;
import io.kindling.driver.train.DataSpec;
import io.kindling.driver.train.JobData;
import io.kindling.driver.train.JobSpec;
import io.kindling.driver.train.ParameterAveraging;
import io.kindling.driver.train.ProgressLog;
import io.kindling.driver.train.ThreadBudget;
import io.kindling.worker.EvalStats;
import io.kindling.worker.WorkerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kindling evaluate --checkpoint URI}: the test-set loss and accuracy of a checkpoint, on Spark. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a checkpoint on the test set of its dataset (or other test data), on Spark.")
public final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, paramLabel = "URI",
            description = "A checkpoint (…/epoch-NNNN) or a checkpoint directory (its newest valid checkpoint).")
    String checkpoint;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master URL (default: spark-submit's, else local[*]).")
    String master;

    @Option(names = "--data-dir", paramLabel = "URI",
            description = "mnist/cifar10 directory (default: the one the checkpoint trained on).")
    String dataDir;

    @Option(names = "--test-data", split = ",", paramLabel = "URI",
            description = "csv/images test files or folders (default: the checkpoint job's).")
    List<String> testData = new ArrayList<>();

    @Option(names = "--mirror", paramLabel = "URI", description = "Extra mirror if the dataset must be fetched. Repeatable.")
    List<String> mirrors = new ArrayList<>();

    @Option(names = "--limit-test", paramLabel = "N", description = "Evaluate on the first N examples only (default: all).")
    int limitTest;

    @Option(names = "--test-batch-size", paramLabel = "N", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    int testBatchSize = 1000;

    @Option(names = "--workers", paramLabel = "N", description = "Partitions (default: Spark's default parallelism).")
    int workers;

    @Override
    public Integer call() {
        try (JavaSparkContext sc = SparkContexts.create(master, "kindling evaluate")) {
            Checkpoints.Resolved resolved = Checkpoints.resolve(checkpoint, sc.hadoopConfiguration(), System.out::println);
            TrainingState state = resolved.store().readState(resolved.checkpoint());
            MultiLayerNetwork net = resolved.store().readModel(resolved.checkpoint(), false);
            JobSpec.Builder job = state.spec().toBuilder().limitTest(limitTest);
            if (dataDir != null) {
                job.dataDir(dataDir);
            }
            if (!testData.isEmpty()) {
                job.testData(testData);
            }
            if (!mirrors.isEmpty()) {
                job.mirrors(mirrors);
            }
            DataSpec data = job.build().data();
            int partitions = workers > 0 ? workers : sc.defaultParallelism();
            Pipeline transforms = Pipeline.parse(state.transforms());
            try (JobData test = JobData.testOnly(data, state.data(), transforms, sc, partitions, System.out)) {
                WorkerConfig config = new WorkerConfig(net.getLayerWiseConfigurations().toJson(), state.spec().batchSize(),
                        1, state.data(), transforms, state.spec().seed(), ThreadBudget.perTask(sc, partitions), false, 0);
                EvalStats stats;
                try (ParameterAveraging engine = new ParameterAveraging(sc, config, partitions)) {
                    stats = engine.evaluate(net.params().toFloatVector(), test.test(), testBatchSize, "evaluation");
                }
                System.out.printf("Checkpoint %s (%s, epoch %d, %d iterations) on %s%n", resolved.checkpoint().dir(),
                        state.spec().modelName(), state.epoch(), state.iteration(),
                        data.isFiles() ? data.testData() : data.dir());
                System.out.println();
                System.out.println(ProgressLog.evalLine("Test", stats, state.data().isRegression()));
                System.out.println();
            }
        }
        return 0;
    }
}
