package io.kindling.driver.bench;

import io.kindling.datasets.mnist.MnistSource;
import io.kindling.driver.data.Datasets;
import io.kindling.driver.job.EpochResult;
import io.kindling.driver.job.JobSpec;
import io.kindling.driver.job.RoundSplit;
import io.kindling.driver.model.ModelFactory;
import io.kindling.driver.model.PyTorchInit;
import io.kindling.driver.model.Shape;
import io.kindling.driver.train.TrainingJob;
import io.kindling.worker.EvalStats;
import io.kindling.worker.LocalEvaluation;
import io.kindling.worker.WorkerConfig;
import io.kindling.worker.layers.CpuKernels;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * One epoch of the MNIST CNN trained (a) by plain DL4J fit in this JVM and (b) by Kindling on Spark,
 * same network, initial parameters, data and example order; reports examples/s, epoch seconds,
 * test accuracy and the overhead ratio b/a.
 */
public final class MnistBenchmark {
    private final JobSpec spec;
    private final PrintStream out;

    public MnistBenchmark(JobSpec spec, PrintStream out) {
        this.spec = spec;
        this.out = out;
    }

    public record Row(String run, long examples, double seconds, EvalStats test) {
        double examplesPerSecond() {
            return examples / seconds;
        }
    }

    public List<Row> run(JavaSparkContext sc) {
        Configuration hadoop = sc.hadoopConfiguration();
        MnistSource train = MnistSource.open(spec.data().dir(), MnistSource.Split.TRAIN, spec.data().limitTrain(), hadoop);
        MnistSource test = MnistSource.open(spec.data().dir(), MnistSource.Split.TEST, spec.data().limitTest(), hadoop);
        List<Row> rows = new ArrayList<>();

        MultiLayerConfiguration conf = ModelFactory.build(spec, Shape.image(1, MnistSource.ROWS, MnistSource.COLS),
                MnistSource.CLASSES, false, hadoop).configuration();
        MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
        net.init();
        CpuKernels.install(net);
        PyTorchInit.initBiases(net);
        int cores = Runtime.getRuntime().availableProcessors();
        out.printf(Locale.ROOT, "(a) plain DL4J fit: %d examples, batch %d, %d threads%n",
                train.size(), spec.batchSize(), cores);
        WorkerConfig evalConfig = new WorkerConfig(conf.toJson(), spec.batchSize(), 1, train.info(),
                Datasets.transforms(spec.data()), spec.seed(), cores, false, 0);
        double seconds = PlainFit.epoch(net, PlainFit.readAll(train, hadoop), evalConfig.assembler(), spec.batchSize(),
                spec.seed(), cores);
        EvalStats plainTest = LocalEvaluation.run(evalConfig, net.params().toFloatVector(),
                PlainFit.readAll(test, hadoop).iterator(), spec.testBatchSize());
        rows.add(new Row("(a) plain DL4J `fit`, 1 JVM, " + cores + " threads", train.size(), seconds, plainTest));
        out.println(line(rows.get(0)));

        out.printf(Locale.ROOT, "(b) Kindling on %s, %d workers, k = %d%n", sc.master(), spec.workers(),
                spec.averagingFrequency());
        EpochResult kindling = new TrainingJob(spec, sc, out).run().get(0);
        rows.add(new Row("(b) Kindling, " + sc.master() + ", " + spec.workers() + " workers, k = "
                + spec.averagingFrequency(), kindling.train().examples(), kindling.train().seconds(), kindling.test()));
        out.println(line(rows.get(1)));
        out.printf(Locale.ROOT, "averaging rounds: %d, slowest worker computing %.1f s of %.1f s (non-compute %.1f%%)%n",
                kindling.train().rounds(), kindling.train().computeSeconds(), kindling.train().seconds(),
                100 * (1 - kindling.train().computeSeconds() / kindling.train().seconds()));
        RoundSplit split = kindling.train().split();
        out.printf(Locale.ROOT, "segment split: %d segments, compute %.2f s, exchange %.2f s, segment start and end"
                        + " %.2f s, epoch shuffle %.2f s; non-compute %.2f%% of the epoch%n",
                kindling.train().segments(), split.compute(), split.exchange(), split.segments(),
                kindling.train().shuffleSeconds(), 100 * kindling.train().nonComputeShare());
        out.printf(Locale.ROOT, "overhead ratio b/a (epoch seconds): %.3f%n", rows.get(1).seconds() / rows.get(0).seconds());
        return rows;
    }

    static String line(Row row) {
        return String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %d/%d (%.2f%%) | %.4f |", row.run(), row.examples(),
                row.seconds(), row.examplesPerSecond(), row.test().correct(), row.test().count(),
                100 * row.test().accuracy(), row.test().averageLoss());
    }
}
