package io.kindling.worker.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.GaussianDropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The Java dropout: its mask's statistics, forward and backward, and inside networks. */
class CpuDropoutTest {
    private static final LayerWorkspaceMgr NONE = LayerWorkspaceMgr.noWorkspaces();

    @Test
    void theMaskKeepsAFractionPScaledByOneOverP() {
        int n = 1_000_000;
        float[] mask = new float[n];
        for (double p : new double[] {0.5, 0.75, 0.9}) {
            CpuDropout.fillMask(mask, 0, n, 12345L, p);
            long kept = 0;
            for (float m : mask) {
                assertTrue(m == 0f || m == (float) (1 / p), "multiplier " + m);
                kept += m == 0f ? 0 : 1;
            }
            // The binomial standard deviation is below 500 here: 5 of them.
            assertEquals(p * n, kept, 2500, "kept with p = " + p);
        }
    }

    @Test
    void theMaskDependsOnTheSeedOnly() {
        float[] a = new float[4096];
        float[] b = new float[4096];
        float[] c = new float[4096];
        CpuDropout.fillMask(a, 0, a.length, 1L, 0.5);
        CpuDropout.fillMask(b, 0, b.length, 1L, 0.5);
        CpuDropout.fillMask(c, 0, c.length, 2L, 0.5);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        float[] inParts = new float[4096]; // as a kernel split over threads fills it
        CpuDropout.fillMask(inParts, 0, 1000, 1L, 0.5);
        CpuDropout.fillMask(inParts, 1000, 4096, 1L, 0.5);
        assertArrayEquals(a, inParts);
        // Neighbouring elements are not correlated: about a quarter of the pairs keep both.
        int both = 0;
        for (int i = 0; i + 1 < a.length; i += 2) {
            both += a[i] != 0 && a[i + 1] != 0 ? 1 : 0;
        }
        assertEquals(512, both, 80);
    }

    @Test
    void backwardMultipliesByTheForwardsMask() {
        CpuDropout dropout = new CpuDropout(new Dropout(0.75));
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 9000).addi(1); // > 0 everywhere: zeros come from the mask
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, 4, 9000);
        assertSame(y, dropout.applyDropout(x, y, 0, 0, NONE));
        INDArray mask = y.div(x);
        float[] m = mask.data().asFloat();
        for (float v : m) {
            assertTrue(v == 0f || Math.abs(v - 4f / 3f) < 1e-6f, "multiplier " + v);
        }
        INDArray dy = Nd4j.rand(DataType.FLOAT, 4, 9000);
        INDArray expected = dy.mul(mask);
        assertSame(dy, dropout.backprop(dy, dy, 0, 0), "in place, as DL4J's layers call it");
        assertArrayEquals(expected.data().asFloat(), dy.data().asFloat(), 1e-6f);
        assertThrows(IllegalStateException.class, () -> dropout.backprop(dy, dy, 0, 0), "the mask is used once");
    }

    @Test
    void stridedArraysGoThroughDl4jsDropout() {
        CpuDropout dropout = new CpuDropout(new Dropout(0.5));
        INDArray x = Nd4j.rand(DataType.FLOAT, 30, 20).addi(1).transpose(); // 'f' view
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, new long[] {20, 30}, 'f');
        dropout.applyDropout(x, y, 0, 0, NONE);
        INDArray mask = y.div(x);
        INDArray dy = Nd4j.rand(DataType.FLOAT, 30, 20).transpose().dup('f');
        INDArray expected = dy.mul(mask);
        dropout.backprop(dy, dy, 0, 0);
        assertEquals(expected, dy);
    }

    private static MultiLayerConfiguration net(boolean gaussianOnOutput) {
        return new NeuralNetConfiguration.Builder().seed(5).updater(new Adam(0.01)).list()
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(new DropoutLayer.Builder(0.6).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .dropOut(gaussianOnOutput ? new GaussianDropout(0.1) : new Dropout(0.8))
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(6))
                .build();
    }

    // The same data each time; the seed only drives the dropout masks.
    private static float[] train(MultiLayerNetwork net, long seed) {
        Nd4j.getRandom().setSeed(1);
        INDArray features = Nd4j.rand(DataType.FLOAT, 12, 6);
        Nd4j.getRandom().setSeed(seed);
        INDArray labels = Nd4j.eye(3).getRows(0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2).castTo(DataType.FLOAT);
        for (int step = 0; step < 8; step++) {
            net.fit(features, labels);
        }
        return net.params().toFloatVector();
    }

    private static MultiLayerNetwork installed(boolean gaussianOnOutput) {
        MultiLayerNetwork net = new MultiLayerNetwork(net(gaussianOnOutput));
        net.init();
        CpuDropout.install(net);
        return net;
    }

    @Test
    void installReplacesFixedDropoutAndSeededTrainingRepeats() {
        MultiLayerNetwork a = installed(false);
        assertInstanceOf(CpuDropout.class, a.getLayer(1).conf().getLayer().getIDropout());
        assertInstanceOf(CpuDropout.class, a.getLayer(2).conf().getLayer().getIDropout());
        assertEquals(GaussianDropout.class, installed(true).getLayer(2).conf().getLayer().getIDropout().getClass());

        float[] first = train(a, 21);
        assertArrayEquals(first, train(installed(false), 21), 0f);
        assertFalse(Arrays.equals(first, train(installed(false), 22)), "another seed, other masks");
    }
}
