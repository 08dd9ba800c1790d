package io.kindling.worker.optim;

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
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class AdadeltaTest {

    /** torch.optim.Adadelta's step, in double precision, for one parameter vector. */
    private static final class TorchAdadelta {
        final double lr;
        final double rho;
        final double eps;
        final double[] squareAvg;
        final double[] accDelta;

        TorchAdadelta(double lr, double rho, double eps, int n) {
            this.lr = lr;
            this.rho = rho;
            this.eps = eps;
            this.squareAvg = new double[n];
            this.accDelta = new double[n];
        }

        /** Returns the amount subtracted from the parameters. */
        double[] step(double[] grad) {
            double[] update = new double[grad.length];
            for (int i = 0; i < grad.length; i++) {
                squareAvg[i] = rho * squareAvg[i] + (1 - rho) * grad[i] * grad[i];
                double delta = Math.sqrt(accDelta[i] + eps) / Math.sqrt(squareAvg[i] + eps) * grad[i];
                accDelta[i] = rho * accDelta[i] + (1 - rho) * delta * delta;
                update[i] = lr * delta;
            }
            return update;
        }
    }

    @Test
    void stepsMatchPyTorchIncludingALearningRateChange() {
        int n = 50;
        Adadelta config = new Adadelta(1.0, 0.9, 1e-6);
        INDArray state = Nd4j.zeros(DataType.FLOAT, 1, config.stateSize(n));
        GradientUpdater<?> updater = config.instantiate(state, true);
        TorchAdadelta torch = new TorchAdadelta(1.0, 0.9, 1e-6, n);
        Random random = new Random(3);
        for (int t = 0; t < 10; t++) {
            if (t == 5) {
                config.setLrAndSchedule(0.7, null);
                torch = withLr(torch, 0.7);
            }
            double[] g = new double[n];
            for (int i = 0; i < n; i++) {
                g[i] = random.nextGaussian() * 0.1;
            }
            INDArray gradient = Nd4j.createFromArray(g).castTo(DataType.FLOAT).reshape(1, n);
            updater.applyUpdater(gradient, t, 0);
            double[] expected = torch.step(g);
            for (int i = 0; i < n; i++) {
                assertEquals(expected[i], gradient.getDouble(0, i), 1e-6 + 1e-4 * Math.abs(expected[i]), "step " + t);
            }
        }
    }

    private static TorchAdadelta withLr(TorchAdadelta t, double lr) {
        TorchAdadelta copy = new TorchAdadelta(lr, t.rho, t.eps, t.squareAvg.length);
        System.arraycopy(t.squareAvg, 0, copy.squareAvg, 0, t.squareAvg.length);
        System.arraycopy(t.accDelta, 0, copy.accDelta, 0, t.accDelta.length);
        return copy;
    }

    @Test
    void survivesTheConfigurationJsonAndNetworkLearningRateChanges() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(1).updater(new Adadelta(0.5, 0.9, 1e-6)).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerConfiguration copy = MultiLayerConfiguration.fromJson(conf.toJson());
        assertEquals(new Adadelta(0.5, 0.9, 1e-6), ((BaseLayer) copy.getConf(0).getLayer()).getIUpdater());

        MultiLayerNetwork net = new MultiLayerNetwork(copy);
        net.init();
        net.fit(Nd4j.rand(DataType.FLOAT, 8, 4), Nd4j.eye(3).getRows(0, 1, 2, 0, 1, 2, 0, 1).castTo(DataType.FLOAT));
        INDArray before = net.getUpdater().getStateViewArray().dup();
        net.setLearningRate(0.25);
        assertEquals(0.25, net.getLearningRate(0), 0);
        assertEquals(before, net.getUpdater().getStateViewArray(), "changing the LR keeps the optimiser state");
    }
}
