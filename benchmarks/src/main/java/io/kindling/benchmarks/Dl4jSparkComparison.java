package io.kindling.benchmarks;

import io.kindling.datasets.Example;
import io.kindling.datasets.mnist.MnistSource;
import io.kindling.driver.Main;
import io.kindling.driver.bench.PlainFit;
import io.kindling.driver.data.Datasets;
import io.kindling.driver.data.Mnist;
import io.kindling.driver.job.JobSpec;
import io.kindling.driver.model.ModelFactory;
import io.kindling.driver.model.PyTorchInit;
import io.kindling.driver.model.Shape;
import io.kindling.worker.EvalStats;
import io.kindling.worker.LocalEvaluation;
import io.kindling.worker.MinibatchAssembler;
import io.kindling.worker.NativeSetup;
import io.kindling.worker.WorkerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * One run: Kindling's benchmark (SGEMM rate, model speeds, the MNIST epoch plain vs Kindling), then
 * the same MNIST epoch trained by dl4j-spark's ParameterAveragingTrainingMaster on the same Spark
 * master, network, initial parameters, minibatches and averaging frequency. It prints epoch time,
 * the examples dl4j-spark actually trained (counted on the workers) and test accuracy.
 *
 * <p>Arguments: {@code --data-dir DIR [--master URL] [--workers N] [--averaging-frequency K]
 * [--limit-train N] [--limit-test N]}; anything else is passed to {@code kindling benchmark}.
 */
public final class Dl4jSparkComparison {
    private Dl4jSparkComparison() {
    }

    public static void main(String[] args) {
        NativeSetup.apply();
        Options o = Options.parse(args);
        List<String> kindlingArgs = new ArrayList<>(List.of("benchmark"));
        kindlingArgs.addAll(Arrays.asList(args));
        int code = Main.run(kindlingArgs.toArray(new String[0]));
        if (code != 0) {
            System.exit(code);
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "(c) dl4j-spark 1.0.0-M2 ParameterAveragingTrainingMaster on %s, %d workers,"
                + " averaging frequency %d, batch 64 per worker%n", o.master, o.workers, o.k);
        run(o);
        System.exit(0);
    }

    private static void run(Options o) {
        Configuration hadoop = new Configuration();
        JobSpec spec = JobSpec.builder().dataDir(o.dataDir).epochs(1).seed(o.seed)
                .limitTrain(o.limitTrain).limitTest(o.limitTest).workers(o.workers).averagingFrequency(o.k).build();
        new Mnist().ensure(spec.data(), hadoop, System.out);
        MnistSource train = MnistSource.open(spec.data().dir(), MnistSource.Split.TRAIN, spec.data().limitTrain(), hadoop);
        MnistSource test = MnistSource.open(spec.data().dir(), MnistSource.Split.TEST, spec.data().limitTest(), hadoop);
        MultiLayerConfiguration conf = ModelFactory.build(spec, Shape.image(1, MnistSource.ROWS, MnistSource.COLS),
                MnistSource.CLASSES, false, hadoop).configuration();
        MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
        net.init();
        PyTorchInit.initBiases(net);
        WorkerConfig config = new WorkerConfig(conf.toJson(), spec.batchSize(), o.k, train.info(),
                Datasets.transforms(spec.data()), spec.seed(), 1, false, 0);

        // The same shuffled minibatches as the plain run, built once on the driver as DataSets.
        List<Example> ordered = PlainFit.firstEpochOrder(PlainFit.readAll(train, hadoop), spec.seed());
        MinibatchAssembler assembler = config.assembler();
        List<DataSet> minibatches = new ArrayList<>();
        for (int from = 0; from < ordered.size(); from += spec.batchSize()) {
            minibatches.add(assembler.assemble(ordered, from, Math.min(from + spec.batchSize(), ordered.size()), true, 1));
        }

        SparkConf sparkConf = new SparkConf().setAppName("dl4j-spark comparison").setMaster(o.master)
                .set("spark.ui.showConsoleProgress", "false");
        try (JavaSparkContext sc = new JavaSparkContext(sparkConf)) {
            LongAccumulator trained = sc.sc().longAccumulator("examples trained");
            ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(o.workers, 64)
                    .batchSizePerWorker(64).averagingFrequency(o.k).workerPrefetchNumBatches(0)
                    .rddTrainingApproach(RDDTrainingApproach.Direct).rngSeed(o.seed)
                    .trainingHooks(new CountingHook(trained)).build();
            SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, net, master);
            JavaRDD<DataSet> rdd = sc.parallelize(minibatches, o.workers);
            long start = System.nanoTime();
            sparkNet.fit(rdd);
            double seconds = (System.nanoTime() - start) / 1e9;
            EvalStats stats = LocalEvaluation.run(config, sparkNet.getNetwork().params().toFloatVector(),
                    PlainFit.readAll(test, hadoop).iterator(), spec.testBatchSize());
            System.out.printf(Locale.ROOT, "| (c) dl4j-spark ParameterAveragingTrainingMaster, %s, %d workers, k = %d"
                            + " | %d of %d | %.1f | %.1f | %d/%d (%.2f%%) | %.4f |%n", o.master, o.workers, o.k,
                    trained.value(), ordered.size(), seconds, trained.value() / seconds, stats.correct(),
                    stats.count(), 100 * stats.accuracy(), stats.averageLoss());
        }
    }

    /** Counts, on the workers, the examples each minibatch update trained. */
    private record CountingHook(LongAccumulator trained) implements TrainingHook {
        @Override
        public void preUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {
        }

        @Override
        public void postUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {
            trained.add(minibatch.numExamples());
        }

        @Override
        public void preUpdate(MultiDataSet minibatch, Model model) {
        }

        @Override
        public void postUpdate(MultiDataSet minibatch, Model model) {
            trained.add(minibatch.getFeatures(0).size(0));
        }
    }

    private record Options(String dataDir, String master, int workers, int k, int limitTrain, int limitTest, long seed) {
        static Options parse(String[] args) {
            String dataDir = null;
            String master = "local[2]";
            int workers = 2;
            int k = 5;
            int limitTrain = 0;
            int limitTest = 0;
            long seed = 1;
            for (int i = 0; i + 1 < args.length; i++) {
                switch (args[i]) {
                    case "--data-dir" -> dataDir = args[++i];
                    case "--master" -> master = args[++i];
                    case "--workers" -> workers = Integer.parseInt(args[++i]);
                    case "--averaging-frequency" -> k = Integer.parseInt(args[++i]);
                    case "--limit-train" -> limitTrain = Integer.parseInt(args[++i]);
                    case "--limit-test" -> limitTest = Integer.parseInt(args[++i]);
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    default -> { }
                }
            }
            if (dataDir == null) {
                throw new IllegalArgumentException("--data-dir DIR is required (the MNIST directory)");
            }
            return new Options(dataDir, master, workers, k, limitTrain, limitTest, seed);
        }
    }
}
