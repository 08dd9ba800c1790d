package io.kindling.worker.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdaDeltaUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Each optimiser against torch.optim's documented algorithm, written out in double precision:
 * 10 steps on random gradients, with the learning rate changed after step 5 (as a scheduler does).
 */
class TorchOptimizersTest {
    private static final int N = 40;

    /** One reference step: returns the amount PyTorch subtracts from the parameters. */
    private interface Reference {
        double[] step(double[] g, double lr, int t);
    }

    @Test
    void sgdWithoutMomentum() {
        check(new Sgd(0.1, 0, false), 0.1, (g, lr, t) -> scale(g, lr));
    }

    @Test
    void sgdWithMomentum() {
        double[] buf = new double[N];
        check(new Sgd(0.1, 0.9, false), 0.1, (g, lr, t) -> {
            double[] u = new double[N];
            for (int i = 0; i < N; i++) {
                buf[i] = t == 1 ? g[i] : 0.9 * buf[i] + g[i];
                u[i] = lr * buf[i];
            }
            return u;
        });
    }

    @Test
    void sgdWithNesterovMomentum() {
        double[] buf = new double[N];
        check(new Sgd(0.1, 0.9, true), 0.1, (g, lr, t) -> {
            double[] u = new double[N];
            for (int i = 0; i < N; i++) {
                buf[i] = t == 1 ? g[i] : 0.9 * buf[i] + g[i];
                u[i] = lr * (g[i] + 0.9 * buf[i]);
            }
            return u;
        });
    }

    @Test
    void adam() {
        double[] m = new double[N];
        double[] v = new double[N];
        check(new Adam(0.01, 0.9, 0.999, 1e-8), 0.01, (g, lr, t) -> {
            double[] u = new double[N];
            double c1 = 1 - Math.pow(0.9, t);
            double c2 = 1 - Math.pow(0.999, t);
            for (int i = 0; i < N; i++) {
                m[i] = 0.9 * m[i] + 0.1 * g[i];
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                u[i] = lr / c1 * m[i] / (Math.sqrt(v[i]) / Math.sqrt(c2) + 1e-8);
            }
            return u;
        });
    }

    @Test
    void rmsprop() {
        double[] sq = new double[N];
        check(new RmsProp(0.01, 0.99, 1e-8, 0, false), 0.01, (g, lr, t) -> {
            double[] u = new double[N];
            for (int i = 0; i < N; i++) {
                sq[i] = 0.99 * sq[i] + 0.01 * g[i] * g[i];
                u[i] = lr * g[i] / (Math.sqrt(sq[i]) + 1e-8);
            }
            return u;
        });
    }

    @Test
    void rmspropCenteredWithMomentum() {
        double[] sq = new double[N];
        double[] avg = new double[N];
        double[] buf = new double[N];
        check(new RmsProp(0.01, 0.99, 1e-8, 0.5, true), 0.01, (g, lr, t) -> {
            double[] u = new double[N];
            for (int i = 0; i < N; i++) {
                sq[i] = 0.99 * sq[i] + 0.01 * g[i] * g[i];
                avg[i] = 0.99 * avg[i] + 0.01 * g[i];
                double denominator = Math.sqrt(sq[i] - avg[i] * avg[i]) + 1e-8;
                buf[i] = 0.5 * buf[i] + g[i] / denominator;
                u[i] = lr * buf[i];
            }
            return u;
        });
    }

    @Test
    void adadelta() {
        double[] sq = new double[N];
        double[] acc = new double[N];
        check(new Adadelta(1.0, 0.9, 1e-6), 1.0, (g, lr, t) -> {
            double[] u = new double[N];
            for (int i = 0; i < N; i++) {
                sq[i] = 0.9 * sq[i] + 0.1 * g[i] * g[i];
                double delta = Math.sqrt(acc[i] + 1e-6) / Math.sqrt(sq[i] + 1e-6) * g[i];
                acc[i] = 0.9 * acc[i] + 0.1 * delta * delta;
                u[i] = lr * delta;
            }
            return u;
        });
    }

    @Test
    void adadeltaOverManyChunksIsTheReferenceAndNd4jsFusedOp() {
        int n = 100_003; // a dozen of the Java step's chunks and a partial one
        Nd4j.getRandom().setSeed(8);
        INDArray g = Nd4j.randn(DataType.FLOAT, 1, n).muli(0.1);
        INDArray state = Nd4j.rand(DataType.FLOAT, 1, 2L * n).muli(0.01);
        float[] g0 = g.toFloatVector();
        float[] s0 = state.toFloatVector();
        INDArray nd4jG = g.dup().reshape(n);
        INDArray nd4jState = state.dup().reshape(2L * n);
        // Dense copies of the state: on the views themselves ND4J's op got the second half wrong.
        Nd4j.exec(new AdaDeltaUpdater(nd4jG, nd4jState.get(NDArrayIndex.interval(0, n)).dup(),
                nd4jState.get(NDArrayIndex.interval(n, 2L * n)).dup(), 0.9, 1e-6));

        new Adadelta(0.5, 0.9, 1e-6).instantiate(state, false).applyUpdater(g, 0, 0);
        float[] update = g.toFloatVector();
        float[] after = state.toFloatVector();
        for (int i = 0; i < n; i++) {
            double sq = 0.9 * s0[i] + 0.1 * g0[i] * g0[i];
            double delta = Math.sqrt(s0[n + i] + 1e-6) / Math.sqrt(sq + 1e-6) * g0[i];
            double acc = 0.9 * s0[n + i] + 0.1 * delta * delta;
            assertEquals(0.5 * delta, update[i], 1e-6 * Math.abs(delta), "update " + i);
            assertEquals(sq, after[i], 1e-6 * sq, "square_avg " + i);
            assertEquals(acc, after[n + i], 1e-6 * acc, "acc_delta " + i);
        }
        assertArrayEquals(nd4jG.muli(0.5).toFloatVector(), update, 1e-7f);
    }

    @Test
    void adadeltaOnStridedArraysGoesThroughNd4jAndIsTheReference() {
        int n = 100_003;
        Nd4j.getRandom().setSeed(9);
        INDArray g = Nd4j.randn(DataType.FLOAT, n, 2).muli(0.1).getColumn(0); // strided: no dense pointer
        INDArray[] state = {Nd4j.rand(DataType.FLOAT, n, 2).muli(0.01).getColumn(1),
            Nd4j.rand(DataType.FLOAT, n, 2).muli(0.01).getColumn(0)};
        float[] g0 = g.toFloatVector();
        float[] sq0 = state[0].toFloatVector();
        float[] acc0 = state[1].toFloatVector();
        new Adadelta(0.5, 0.9, 1e-6).update(g, state, 0.5, 1);
        float[] update = g.toFloatVector();
        float[] sq1 = state[0].toFloatVector();
        float[] acc1 = state[1].toFloatVector();
        for (int i = 0; i < n; i++) {
            double sq = 0.9 * sq0[i] + 0.1 * g0[i] * g0[i];
            double delta = Math.sqrt(acc0[i] + 1e-6) / Math.sqrt(sq + 1e-6) * g0[i];
            assertEquals(0.5 * delta, update[i], 1e-6 * Math.abs(delta), "update " + i);
            assertEquals(sq, sq1[i], 1e-6 * sq, "square_avg " + i);
            assertEquals(0.9 * acc0[i] + 0.1 * delta * delta, acc1[i], 1e-6 * acc1[i], "acc_delta " + i);
        }
    }

    @Test
    void everyOptimizerSurvivesTheConfigurationJsonAndTakesANewLearningRateKeepingItsState() {
        for (TorchOptimizer optimizer : new TorchOptimizer[] {new Sgd(0.1, 0.9, true), new Adam(0.01, 0.8, 0.99, 1e-7),
                new RmsProp(0.01, 0.9, 1e-7, 0.3, true), new Adadelta(0.5, 0.9, 1e-6)}) {
            MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                    .seed(1).updater(optimizer).list()
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(3)
                            .activation(Activation.SOFTMAX).build())
                    .build();
            MultiLayerConfiguration copy = MultiLayerConfiguration.fromJson(conf.toJson());
            assertEquals(optimizer, ((BaseLayer) copy.getConf(0).getLayer()).getIUpdater());

            MultiLayerNetwork net = new MultiLayerNetwork(copy);
            net.init();
            net.fit(Nd4j.rand(DataType.FLOAT, 8, 4), Nd4j.eye(3).getRows(0, 1, 2, 0, 1, 2, 0, 1).castTo(DataType.FLOAT));
            INDArray before = net.getUpdater().getStateViewArray().dup();
            LearningRates.set(net, 0.25);
            assertEquals(0.25, net.getLearningRate(0), 0, optimizer.toString());
            assertEquals(before, net.getUpdater().getStateViewArray(), "changing the LR keeps the optimiser state");
        }
    }

    private static void check(TorchOptimizer optimizer, double lr, Reference reference) {
        INDArray state = Nd4j.zeros(DataType.FLOAT, 1, Math.max(1, optimizer.stateSize(N)));
        GradientUpdater<?> updater = optimizer.instantiate(state, true);
        Random random = new Random(11);
        double rate = lr;
        for (int t = 1; t <= 10; t++) {
            if (t == 6) {
                rate = lr / 3;
                optimizer.setLrAndSchedule(rate, null);
            }
            double[] g = new double[N];
            for (int i = 0; i < N; i++) {
                g[i] = random.nextGaussian() * 0.1;
            }
            INDArray gradient = Nd4j.createFromArray(g).castTo(DataType.FLOAT).reshape(1, N);
            updater.applyUpdater(gradient, t - 1, 0);
            double[] expected = reference.step(g, rate, t);
            for (int i = 0; i < N; i++) {
                assertEquals(expected[i], gradient.getDouble(0, i), 1e-6 + 1e-4 * Math.abs(expected[i]),
                        optimizer + " step " + t + " element " + i);
            }
        }
    }

    private static double[] scale(double[] g, double lr) {
        double[] u = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            u[i] = lr * g[i];
        }
        return u;
    }
}
