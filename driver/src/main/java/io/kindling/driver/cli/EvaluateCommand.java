package io.kindling.driver.cli;

import io.kindling.datasets.transform.Pipeline;
import io.kindling.driver.data.Datasets;
import io.kindling.driver.job.DataSpec;
import io.kindling.driver.job.JobSpec;
import io.kindling.driver.train.ClassificationReport;
import io.kindling.driver.train.Evaluation;
import io.kindling.driver.train.JobData;
import io.kindling.driver.train.ProgressLog;
import io.kindling.driver.train.ThreadBudget;
import io.kindling.worker.EvalReport;
import io.kindling.worker.WorkerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kindling evaluate}: a checkpoint's or a saved model's loss and accuracy on a test set, on
 * Spark, with per-class precision, recall and F1 and the confusion matrix for a classification.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a checkpoint or saved model on the test set of its dataset, or on other test data,"
                + " on Spark: loss, accuracy, per-class precision/recall/F1 and the confusion matrix.")
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec commandSpec;

    @Option(names = "--checkpoint", paramLabel = "URI",
            description = "A checkpoint (…/epoch-NNNN) or a checkpoint directory (its newest valid checkpoint).")
    String checkpoint;

    @Option(names = "--model", paramLabel = "URI",
            description = "A model saved by train --save-model or checkpoints export, instead of --checkpoint.")
    String model;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master URL (default: spark-submit's, else local[*]).")
    String master;

    @Option(names = "--data-dir", paramLabel = "URI",
            description = "mnist/cifar10 directory (default: the one the model trained on).")
    String dataDir;

    @Option(names = "--test-data", split = ",", paramLabel = "URI",
            description = "csv/images test files or folders (default: the training job's).")
    List<String> testData = new ArrayList<>();

    @Option(names = "--mirror", paramLabel = "URI", description = "Extra mirror if the dataset must be fetched. Repeatable.")
    List<String> mirrors = new ArrayList<>();

    @Option(names = "--skip-bad-records", description = "Skip malformed records and report how many.")
    boolean skipBadRecords;

    @Option(names = "--limit-test", paramLabel = "N", description = "Evaluate on the first N examples only (default: all).")
    int limitTest;

    @Option(names = "--test-batch-size", paramLabel = "N", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    int testBatchSize = 1000;

    @Option(names = "--workers", paramLabel = "N", description = "Partitions (default: Spark's default parallelism).")
    int workers;

    @Override
    public Integer call() {
        if ((checkpoint == null) == (model == null)) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(), "give --checkpoint or --model");
        }
        try (JavaSparkContext sc = SparkContexts.create(master, "kindling evaluate")) {
            TrainedModel trained = TrainedModel.load(checkpoint, model, sc.hadoopConfiguration(), System.out::println);
            JobSpec.Builder job = JobSpec.builder().data(trained.dataset()).limitTest(limitTest);
            if (dataDir != null) {
                job.dataDir(dataDir);
            }
            if (!testData.isEmpty()) {
                job.testData(testData);
            }
            if (!mirrors.isEmpty()) {
                job.mirrors(mirrors);
            }
            if (skipBadRecords) {
                job.skipBadRecords(true);
            }
            DataSpec data = job.build().data();
            int partitions = workers > 0 ? workers : sc.defaultParallelism();
            Pipeline transforms = Pipeline.parse(trained.transforms());
            try (JobData test = JobData.testOnly(data, trained.data(), transforms, sc, partitions, System.out)) {
                WorkerConfig config = new WorkerConfig(trained.net().getLayerWiseConfigurations().toJson(), 1, 1,
                        trained.data(), transforms, trained.seed(), ThreadBudget.perTask(sc, partitions), false, 0);
                Broadcast<WorkerConfig> shared = sc.broadcast(config);
                EvalReport report;
                try {
                    report = new Evaluation(sc, shared).report(trained.net().params().toFloatVector(), test.test(),
                            testBatchSize, "evaluation", true);
                } finally {
                    shared.destroy();
                }
                System.out.printf("Evaluated %s on %s%n", trained.description(),
                        Datasets.named(data.dataset()).readsUserFiles() ? data.testData() : data.dir());
                System.out.println();
                System.out.println(ProgressLog.evalLine("Test", report.stats(), trained.data().isRegression()));
                System.out.println();
                if (report.confusion() != null) {
                    System.out.print(ClassificationReport.format(report.confusion(), trained.data().classes()));
                }
            }
        }
        return 0;
    }
}
