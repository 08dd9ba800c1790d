package io.kindling.worker.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The Java pooling against DL4J's own, as layers and inside a network that trains. */
class CpuPoolingTest {
    private static NeuralNetConfiguration conf(SubsamplingLayer layer) {
        return new NeuralNetConfiguration.Builder().layer(layer).build();
    }

    private static SubsamplingLayer pool(SubsamplingLayer.PoolingType type, int k) {
        return new SubsamplingLayer.Builder(type).kernelSize(k, k).stride(k, k).build();
    }

    private static void sameAsDl4j(SubsamplingLayer layer, long... shape) {
        NeuralNetConfiguration conf = conf(layer);
        Layer dl4j = layer.instantiate(conf, null, 0, null, true, DataType.FLOAT);
        CpuPooling java = new CpuPooling(conf, DataType.FLOAT);
        Nd4j.getRandom().setSeed(42);
        INDArray x = Nd4j.randn(DataType.FLOAT, shape);
        assertTrue(java.fast(x), "the Java path should take " + layer);

        LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();
        INDArray expected = dl4j.activate(x, true, none);
        INDArray actual = java.activate(x, true, none);
        assertArrayEquals(expected.shape(), actual.shape());
        assertArrayEquals(expected.data().asFloat(), actual.data().asFloat(), 1e-6f);

        INDArray dy = Nd4j.randn(DataType.FLOAT, expected.shape());
        INDArray expectedDx = dl4j.backpropGradient(dy, none).getSecond();
        INDArray actualDx = java.backpropGradient(dy, none).getSecond(); // from the recorded argmax
        assertArrayEquals(expectedDx.shape(), actualDx.shape());
        assertArrayEquals(expectedDx.dup('c').data().asFloat(), actualDx.data().asFloat(), 1e-6f);

        java.activate(x, false, none); // records nothing: the backward compares the input's values
        actualDx = java.backpropGradient(dy, none).getSecond();
        assertArrayEquals(expectedDx.dup('c').data().asFloat(), actualDx.data().asFloat(), 1e-6f);
        java.activate(x.dup(), true, none); // another input than the backward's
        java.setInput(x, none);
        actualDx = java.backpropGradient(dy, none).getSecond();
        assertArrayEquals(expectedDx.dup('c').data().asFloat(), actualDx.data().asFloat(), 1e-6f);
    }

    @Test
    void maxPoolingMatchesDl4j() {
        sameAsDl4j(pool(SubsamplingLayer.PoolingType.MAX, 2), 3, 4, 8, 6);
        sameAsDl4j(pool(SubsamplingLayer.PoolingType.MAX, 2), 2, 3, 7, 9); // a row and a column left over
    }

    @Test
    void averagePoolingMatchesDl4j() {
        sameAsDl4j(pool(SubsamplingLayer.PoolingType.AVG, 2), 3, 4, 8, 6);
        sameAsDl4j(pool(SubsamplingLayer.PoolingType.AVG, 2), 2, 3, 7, 9);
    }

    @Test
    void batchesLargerThanAChunkAreCoveredWhole() {
        // 40 examples of 64 x 24 x 24: more than one pass through the layer's Java arrays, on one
        // thread and split over the cores (ND4J caps the 3 asked for).
        int threads = Nd4j.getEnvironment().maxMasterThreads();
        try {
            for (int t : new int[] {1, 3}) {
                Nd4j.getEnvironment().setMaxMasterThreads(t);
                sameAsDl4j(pool(SubsamplingLayer.PoolingType.MAX, 2), 40, 64, 24, 24);
                sameAsDl4j(pool(SubsamplingLayer.PoolingType.AVG, 2), 7, 3, 7, 9);
            }
        } finally {
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
        }
    }

    @Test
    void otherPoolingIsLeftToDl4j() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 8, 8);
        SubsamplingLayer overlapping = new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                .kernelSize(3, 3).stride(2, 2).build();
        SubsamplingLayer padded = new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                .kernelSize(2, 2).stride(2, 2).padding(1, 1).build();
        SubsamplingLayer nhwc = new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                .kernelSize(2, 2).stride(2, 2).dataFormat(CNN2DFormat.NHWC).build();
        SubsamplingLayer threeByThree = pool(SubsamplingLayer.PoolingType.MAX, 3);
        for (SubsamplingLayer layer : new SubsamplingLayer[] {overlapping, padded, nhwc, threeByThree}) {
            assertFalse(new CpuPooling(conf(layer), DataType.FLOAT).fast(x), layer.toString());
        }
        assertFalse(new CpuPooling(conf(pool(SubsamplingLayer.PoolingType.MAX, 2)), DataType.FLOAT)
                .fast(Nd4j.rand(DataType.DOUBLE, 2, 3, 8, 8)));
    }

    private static MultiLayerConfiguration cnn() {
        return new NeuralNetConfiguration.Builder().seed(7).updater(new Adam(0.01)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(pool(SubsamplingLayer.PoolingType.MAX, 2))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(9, 9, 2))
                .build();
    }

    @Test
    void aNetworkTrainsAsWithDl4jsPooling() {
        MultiLayerNetwork plain = new MultiLayerNetwork(cnn());
        plain.init();
        MultiLayerNetwork fast = new MultiLayerNetwork(cnn());
        fast.init();
        CpuPooling.install(fast);
        assertInstanceOf(CpuPooling.class, fast.getLayer(1));
        assertEquals(plain.getLayer(0).getClass(), fast.getLayer(0).getClass());

        Nd4j.getRandom().setSeed(3);
        INDArray features = Nd4j.rand(DataType.FLOAT, 16, 2, 9, 9);
        INDArray labels = Nd4j.eye(3).getRows(new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0})
                .castTo(DataType.FLOAT);
        for (int step = 0; step < 5; step++) {
            plain.fit(features, labels);
            fast.fit(features, labels);
        }
        assertArrayEquals(plain.params().toFloatVector(), fast.params().toFloatVector(), 1e-6f);
    }
}
