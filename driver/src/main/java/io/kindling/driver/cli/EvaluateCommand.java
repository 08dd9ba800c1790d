package io.kindling.driver.cli;

import io.kindling.datasets.transform.Pipeline;
import io.kindling.driver.data.Datasets;
import io.kindling.driver.job.DataSpec;
import io.kindling.driver.job.JobOption;
import io.kindling.driver.job.JobOptions;
import io.kindling.driver.job.JobSpec;
import io.kindling.driver.train.ClassificationReport;
import io.kindling.driver.train.Evaluation;
import io.kindling.driver.train.JobData;
import io.kindling.driver.train.ProgressLog;
import io.kindling.driver.train.ThreadBudget;
import io.kindling.worker.EvalReport;
import io.kindling.worker.WorkerConfig;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code kindling evaluate}: a checkpoint's or a saved model's loss and accuracy on a test set, on
 * Spark, with per-class precision, recall and F1 and the confusion matrix for a classification.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a checkpoint or saved model on the test set of its dataset, or on other test data,"
                + " on Spark: loss, accuracy, per-class precision/recall/F1 and the confusion matrix.")
public final class EvaluateCommand implements Callable<Integer>, CommandOptions.TakesOptions {
    @Spec
    CommandLine.Model.CommandSpec commandSpec;

    /** The options it takes, all declared with the job's; --workers: the tasks reading the test data. */
    private static final List<JobOption<?>> OPTIONS = List.of(JobOptions.CHECKPOINT, JobOptions.SAVED_MODEL,
            JobOptions.MASTER, JobOptions.DATA_DIR.withDefault(null, "the training job's"),
            JobOptions.TEST_DATA.withDefault(List.of(), "the training job's"),
            JobOptions.TEST_TABLE.withDefault(null, "the training job's"), JobOptions.MIRROR, JobOptions.DOWNLOAD,
            JobOptions.SKIP_BAD_RECORDS, JobOptions.LIMIT_TEST, JobOptions.TEST_BATCH_SIZE, JobOptions.WORKERS);

    @Override
    public List<JobOption<?>> options() {
        return OPTIONS;
    }

    @Override
    public Integer call() {
        TrainedModel.Named named = TrainedModel.Named.by(commandSpec);
        try (JavaSparkContext sc = SparkContexts.create(CommandOptions.value(commandSpec, JobOptions.MASTER),
                "kindling evaluate")) {
            TrainedModel trained = named.load(sc.hadoopConfiguration(), System.out::println);
            // The data of the training job, with the options given here applied to it.
            JobSpec.Builder job = JobSpec.builder().data(trained.dataset()).limitTest(0);
            // Test files given here replace a test table of the training job, and the other way round.
            if (CommandOptions.given(commandSpec, JobOptions.TEST_DATA)) {
                job.testTable(null);
            }
            if (CommandOptions.given(commandSpec, JobOptions.TEST_TABLE)) {
                job.testData(List.of());
            }
            DataSpec data = CommandOptions.applyGiven(commandSpec, OPTIONS, job).build().data();
            int workers = CommandOptions.value(commandSpec, JobOptions.WORKERS);
            int testBatchSize = CommandOptions.value(commandSpec, JobOptions.TEST_BATCH_SIZE);
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
                System.out.printf("Evaluated %s on %s%n", trained.description(), data.table().testTable() != null
                        ? "table " + data.table().testTable()
                        : Datasets.named(data.dataset()).readsUserFiles() ? data.testData() : data.dir());
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
