package io.kindling.worker.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.worker.FusedNetwork;
import io.kindling.worker.Networks;
import io.kindling.worker.optim.Adadelta;
import io.kindling.worker.optim.Adam;
import io.kindling.worker.optim.GlobalNormClipping;
import io.kindling.worker.optim.RmsProp;
import io.kindling.worker.optim.Sgd;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The fused path against DL4J's own layers (with Kindling's CPU kernels, which draw the same
 * dropout masks): the same parameters, optimiser state, scores and outputs to 1e-5, step after step.
 */
class FusedStackTest {
    private static final int FEATURES = 20;
    private static final int CLASSES = 4;

    private static MultiLayerConfiguration classifier(IUpdater updater, Regularization decay) {
        List<Layer> layers = List.of(
                new DenseLayer.Builder().nOut(32).activation(Activation.RELU).build(),
                new DropoutLayer.Builder(0.7).build(),
                new DenseLayer.Builder().nOut(24).activation(Activation.TANH).build(),
                new DenseLayer.Builder().nOut(16).activation(Activation.IDENTITY).build(),
                new ActivationLayer.Builder().activation(Activation.SIGMOID).build(),
                new DenseLayer.Builder().nOut(12).activation(Activation.LEAKYRELU).build(),
                new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build());
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(5).updater(updater).list();
        for (Layer layer : layers) {
            if (decay != null && layer instanceof BaseLayer base) {
                base.setRegularization(new java.util.ArrayList<>(List.of(decay)));
                base.setRegularizationBias(new java.util.ArrayList<>(List.of(decay)));
            }
            list.layer(layer);
        }
        return list.setInputType(InputType.feedForward(FEATURES)).build();
    }

    private static MultiLayerConfiguration regression() {
        return new NeuralNetConfiguration.Builder().seed(6).updater(new Adam(0.01, 0.9, 0.999, 1e-8)).list()
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3).activation(Activation.IDENTITY).build())
                .setInputType(InputType.feedForward(FEATURES)).build();
    }

    /** DL4J's own step, with the same kernels (and so the same dropout masks) as the fused one. */
    private static MultiLayerNetwork dl4j(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
        net.init();
        CpuKernels.install(net);
        return net;
    }

    private static FusedNetwork fused(MultiLayerConfiguration conf) {
        FusedNetwork net = (FusedNetwork) Networks.of(conf.clone());
        assertTrue(net.fused(), "takes the fused path");
        return net;
    }

    private static INDArray oneHot(int rows, int classes, int shift) {
        INDArray labels = Nd4j.zeros(DataType.FLOAT, rows, classes);
        for (int r = 0; r < rows; r++) {
            labels.putScalar(r, (r * 7 + shift) % classes, 1f);
        }
        return labels;
    }

    /** Trains both with the same minibatches (a smaller last one included) and compares them after every step. */
    private static void trainsAsDl4j(MultiLayerConfiguration conf, boolean regression, GlobalNormClippingSetting clip) {
        trainsAsDl4j(conf, regression, clip, FEATURES, CLASSES);
    }

    private static void trainsAsDl4j(MultiLayerConfiguration conf, boolean regression, GlobalNormClippingSetting clip,
                                     int features, int classes) {
        MultiLayerNetwork plain = dl4j(conf);
        FusedNetwork fast = fused(conf);
        if (clip != null) {
            GlobalNormClipping.install(plain, clip.maxNorm);
            GlobalNormClipping.install(fast, clip.maxNorm);
        }
        assertEquals(plain.params(), fast.params(), "same start");
        for (int step = 0; step < 8; step++) {
            int rows = step == 5 ? 5 : step == 7 ? 24 : 16; // a partial minibatch, then a larger one
            Nd4j.getRandom().setSeed(1000 + step);
            INDArray x = Nd4j.randn(DataType.FLOAT, rows, features);
            INDArray y = regression ? Nd4j.randn(DataType.FLOAT, rows, 3) : oneHot(rows, classes, step);
            Nd4j.getRandom().setSeed(77 + step); // the same dropout masks for both
            plain.fit(x, y);
            Nd4j.getRandom().setSeed(77 + step);
            fast.fit(x, y);
            assertClose(plain.params(), fast.params(), "parameters after step " + step);
            if (plain.getUpdater().getStateViewArray() != null) {
                assertClose(plain.getUpdater().getStateViewArray(), fast.getUpdater().getStateViewArray(),
                        "optimiser state after step " + step);
            }
            assertEquals(plain.score(), fast.score(), 1e-5 * Math.max(1, Math.abs(plain.score())), "score of step " + step);
            assertEquals(plain.getIterationCount(), fast.getIterationCount());
        }
        for (int rows : new int[] {9, 600}) { // 600: more than one slice of the fused inference pass
            INDArray test = Nd4j.randn(DataType.FLOAT, rows, features);
            assertClose(plain.output(test, false), fast.output(test, false), "inference output of " + rows);
        }
    }

    private record GlobalNormClippingSetting(double maxNorm) {
    }

    /**
     * Equal to 1e-5 of the array's scale (its largest magnitude, or 1): optimiser state that divides
     * a gradient by its own running magnitude (RMSprop's) is about ±10 for gradients of any size.
     */
    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertEquals(expected.length(), actual.length(), what);
        double[] e = expected.castTo(DataType.DOUBLE).data().asDouble();
        double[] a = actual.castTo(DataType.DOUBLE).data().asDouble();
        double tolerance = 1e-5 * Math.max(1, expected.amaxNumber().doubleValue());
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(e[i] - a[i]) <= tolerance)) {
                throw new AssertionError(what + ": value " + i + " is " + a[i] + ", expected " + e[i]);
            }
        }
    }

    @Test
    void trainsAsDl4jWithEveryOptimiser() {
        for (IUpdater updater : List.of(new Adadelta(), new Adam(0.01, 0.9, 0.999, 1e-8), new Sgd(0.1, 0.9, true),
                // Without momentum: RMSprop divides each gradient by its own running size, so the momentum
                // buffer turns a rounding difference in a near-zero gradient into one of 1e-4 (FlatStepTest
                // checks the momentum and centred variants on identical gradients)
                new RmsProp(0.01, 0.99, 1e-8, 0, false))) {
            try {
                trainsAsDl4j(classifier(updater, null), false, null);
            } catch (AssertionError e) {
                throw new AssertionError(updater.getClass().getSimpleName() + ": " + e.getMessage(), e);
            }
        }
    }

    @Test
    void trainsAsDl4jWithWeightDecayAndClipping() {
        trainsAsDl4j(classifier(new Sgd(0.1, 0.0, false), new L2Regularization(0.01)), false, null);
        trainsAsDl4j(classifier(new Adam(0.01, 0.9, 0.999, 1e-8), new WeightDecay(0.01, true)), false, null);
        trainsAsDl4j(classifier(new Adadelta(), null), false, new GlobalNormClippingSetting(0.05));
    }

    @Test
    void trainsARegressionAsDl4j() {
        trainsAsDl4j(regression(), true, null);
    }

    /** A LeNet-like network: small convolutions (padding, stride), max and average pooling, dropout, dense layers. */
    private static MultiLayerConfiguration smallCnn(IUpdater updater) {
        return new NeuralNetConfiguration.Builder().seed(7).updater(updater).list()
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(6).padding(2, 2).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(8).stride(2, 2).activation(Activation.TANH).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DropoutLayer.Builder(0.8).build())
                .layer(new DenseLayer.Builder().nOut(12).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(14, 14, 2)).build();
    }

    @Test
    void trainsASmallConvnetAsDl4j() {
        for (IUpdater updater : List.of(new Adadelta(), new Sgd(0.05, 0.9, false))) {
            trainsAsDl4j(smallCnn(updater), false, null, 2 * 14 * 14, CLASSES);
        }
    }

    /**
     * Convolutions with the max pooling after each taken in, the first (direct) and a later one
     * (a matrix product): activations whose gradients follow from the outputs in different ways (tanh
     * reads them, ReLU and leaky ReLU their signs), an odd output (9 × 9) whose last row and column
     * the pooling leaves out, and a later convolution of 3 × 3 on 4 × 4 inputs, padded or not, whose
     * patches are built and scattered back kernel row by kernel row (Im2col.nextRowInPlace).
     */
    @Test
    void trainsConvolutionsWithTheirPoolingTakenInAsDl4j() {
        Activation[][] pairs = {{Activation.TANH, Activation.RELU}, {Activation.RELU, Activation.LEAKYRELU}};
        for (int padding = 0; padding < pairs.length; padding++) {
            Activation[] pair = pairs[padding];
            MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(5)
                    .updater(new Adam(0.01, 0.9, 0.999, 1e-8)).list()
                    .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(pair[0]).build())
                    .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                    .layer(new ConvolutionLayer.Builder(3, 3).nOut(5).padding(padding, padding).activation(pair[1])
                            .build())
                    .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                    .layer(new DenseLayer.Builder().nOut(12).activation(Activation.RELU).build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                            .activation(Activation.SOFTMAX).build())
                    .setInputType(InputType.convolutionalFlat(11, 11, 1)).build();
            try {
                trainsAsDl4j(conf, false, null, 11 * 11, CLASSES);
            } catch (AssertionError e) {
                throw new AssertionError(pair[0] + ", " + pair[1] + ": " + e.getMessage(), e);
            }
        }
    }

    /** Batch norm as Kindling's specs build it (a running variance, PyTorch's momentum 0.1), flat and over channels. */
    private static BatchNormalization batchNorm() {
        return new BatchNormalization.Builder().eps(1e-5).decay(0.9).useLogStd(false).build();
    }

    private static MultiLayerConfiguration batchNormMlp(IUpdater updater) {
        return new NeuralNetConfiguration.Builder().seed(8).updater(updater).list()
                // After an activation: a bias straight before batch norm has a gradient of 0 but for rounding,
                // which Adam would turn into steps of the learning rate's size in a random direction
                .layer(new DenseLayer.Builder().nOut(32).activation(Activation.RELU).build())
                .layer(batchNorm())
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.TANH).build())
                .layer(batchNorm())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(FEATURES)).build();
    }

    @Test
    void trainsBatchNormAsDl4j() {
        for (IUpdater updater : List.of(new Adadelta(), new Adam(0.01, 0.9, 0.999, 1e-8), new Sgd(0.1, 0.9, true))) {
            try {
                trainsAsDl4j(batchNormMlp(updater), false, null);
            } catch (AssertionError e) {
                throw new AssertionError(updater.getClass().getSimpleName() + ": " + e.getMessage(), e);
            }
        }
        // Clipping leaves the running statistics out of the norm, and does not scale them
        trainsAsDl4j(batchNormMlp(new Adadelta()), false, new GlobalNormClippingSetting(0.05));
        MultiLayerConfiguration cnn = new NeuralNetConfiguration.Builder().seed(9).updater(new Adadelta()).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(6).padding(1, 1).activation(Activation.RELU).build())
                .layer(batchNorm())
                .layer(new ActivationLayer.Builder().activation(Activation.TANH).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(12).activation(Activation.RELU).build())
                .layer(batchNorm())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(10, 10, 2)).build();
        trainsAsDl4j(cnn, false, null, 2 * 10 * 10, CLASSES);
    }

    @Test
    void convolutionsOfLargePatchesAndBatchNormTakeDl4jsPath() {
        MultiLayerConfiguration cnn = new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(8).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).build()) // 72 × 34² patch values per example
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(38, 38, 1)).build();
        MultiLayerConfiguration batchNorm = new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new DenseLayer.Builder().nOut(8).build())
                .layer(new BatchNormalization.Builder().useLogStd(true).build()) // log-std: DL4J's path
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(4)).build();
        for (MultiLayerConfiguration conf : List.of(cnn, batchNorm)) {
            FusedNetwork net = (FusedNetwork) Networks.of(conf);
            assertFalse(net.fused());
            INDArray x = Nd4j.rand(DataType.FLOAT, 4, conf == cnn ? 38 * 38 : 4);
            net.fit(x, oneHot(4, 3, 0)); // DL4J's own step
            assertEquals(1, net.getIterationCount());
        }
    }
}
