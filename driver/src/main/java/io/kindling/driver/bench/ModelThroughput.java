package io.kindling.driver.bench;

import io.kindling.driver.job.JobSpec;
import io.kindling.driver.model.ModelFactory;
import io.kindling.driver.model.ModelZoo;
import io.kindling.driver.model.Shape;
import io.kindling.worker.Backend;
import io.kindling.worker.Networks;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training speed of a zoo model in this JVM: minibatches of random inputs (speed does not depend on
 * the values), either one network on all the threads or one network per thread, as Kindling's tasks
 * run on an executor. Warm-up minibatches are not timed. Besides the zoo's image models, a dense
 * network is named by its widths, {@code mlp:IN-HIDDEN...-CLASSES} (e.g. {@code mlp:784-256-10}, or
 * {@code mlp:100-256-256-2} for tabular data).
 */
public final class ModelThroughput {
    private static final int CLASSES = 10;
    private static final String MLP = "mlp:";

    /** @param copies networks trained at once, each on its own thread; {@code threads} native threads per op */
    public record Result(String model, int batchSize, long params, double flopsPerExample, int copies, int threads,
                         long examples, double seconds) {
        public double examplesPerSecond() {
            return examples / seconds;
        }

        public double gflops() {
            return examplesPerSecond() * flopsPerExample / 1e9;
        }
    }

    private ModelThroughput() {
    }

    public static Result measure(String model, int batchSize, int warmupBatches, int timedBatches, int copies,
                                 int threads, long seed) {
        Shape shape;
        int classes = CLASSES;
        JobSpec.Builder job = JobSpec.builder().batchSize(batchSize).seed(seed);
        if (model.startsWith(MLP)) {
            List<Integer> widths = widths(model);
            shape = Shape.flat(widths.get(0));
            classes = widths.get(widths.size() - 1);
            job.model("mlp").hidden(widths.subList(1, widths.size() - 1));
        } else {
            shape = ModelZoo.MODELS.get(model);
            if (shape == null || !shape.isImage()) {
                throw new IllegalArgumentException("--models " + model + ": expected image models of " + ModelZoo.NAMES
                        + " or mlp:IN-HIDDEN...-CLASSES");
            }
            job.model(model);
        }
        MultiLayerConfiguration conf = ModelFactory.build(job.build(), shape, classes, false, new Configuration())
                .configuration();
        double flops = TrainingFlops.perExample(conf, shape.isImage()
                ? InputType.convolutionalFlat(shape.height(), shape.width(), shape.channels())
                : InputType.feedForward(shape.size()));
        Backend.useThreads(threads);
        ExecutorService pool = Executors.newFixedThreadPool(copies);
        try {
            List<Future<Double>> runs = new ArrayList<>();
            long params = 0;
            for (int c = 0; c < copies; c++) {
                MultiLayerNetwork net = Networks.of(conf.clone());
                params = net.numParams();
                DataSet batch = randomBatch(batchSize, shape.size(), classes, seed + c);
                runs.add(pool.submit(() -> timeFit(net, batch, warmupBatches, timedBatches)));
            }
            double slowest = 0;
            for (Future<Double> run : runs) {
                slowest = Math.max(slowest, run.get());
            }
            return new Result(model, batchSize, params, flops, copies, threads, (long) copies * timedBatches * batchSize, slowest);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("benchmark of " + model + " failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static double timeFit(MultiLayerNetwork net, DataSet batch, int warmup, int timed) {
        for (int i = 0; i < warmup; i++) {
            net.fit(batch);
        }
        long start = System.nanoTime();
        for (int i = 0; i < timed; i++) {
            net.fit(batch);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** The widths of {@code mlp:IN-HIDDEN...-CLASSES}: input features, hidden layers, classes. */
    static List<Integer> widths(String model) {
        List<Integer> widths = new ArrayList<>();
        try {
            for (String w : model.substring(MLP.length()).split("-")) {
                widths.add(Integer.parseInt(w));
            }
        } catch (NumberFormatException e) {
            widths.clear();
        }
        if (widths.size() < 2 || widths.stream().anyMatch(w -> w < 1) || widths.get(widths.size() - 1) < 2) {
            throw new IllegalArgumentException("--models " + model
                    + ": expected mlp:IN-HIDDEN...-CLASSES with positive widths and at least 2 classes, e.g. mlp:784-256-10");
        }
        return widths;
    }

    private static DataSet randomBatch(int batchSize, int features, int classes, long seed) {
        Nd4j.getRandom().setSeed(seed);
        var x = Nd4j.rand(DataType.FLOAT, batchSize, features);
        var y = Nd4j.zeros(DataType.FLOAT, batchSize, classes);
        for (int i = 0; i < batchSize; i++) {
            y.putScalar(i, i % classes, 1f);
        }
        return new DataSet(x, y);
    }
}
