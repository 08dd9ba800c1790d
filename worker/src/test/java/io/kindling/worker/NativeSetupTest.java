package io.kindling.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The CPU build runs DL4J's convolutions through oneDNN: the whole chain, in this JVM. */
class NativeSetupTest {
    @Test
    void convolutionsUseTheOneDnnHelper() {
        NativeSetup.apply();
        assertEquals(NativeSetup.ONEDNN_EXTENSION, System.getProperty(NativeSetup.EXTENSION_PROPERTY));
        assertTrue(org.nd4j.nativeblas.Nd4jCpu.Environment.getInstance().isUseMKLDNN(),
                "the loaded libnd4j reports oneDNN");
        assertTrue(BaseMKLDNNHelper.mklDnnEnabled(), "DL4J finds oneDNN through the old class name");

        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(8, 8, 1)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        Object helper = ((org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) net.getLayer(0)).getHelper();
        assertNotNull(helper, "convolution helper");
        assertTrue(helper instanceof MKLDNNConvHelper, helper.getClass().getName());
    }

    @Test
    void keepsWhatTheUserSet() {
        String before = System.getProperty(NativeSetup.HELPERS_DISABLED_PROPERTY);
        try {
            System.setProperty(NativeSetup.HELPERS_DISABLED_PROPERTY, "true");
            NativeSetup.apply();
            assertEquals("true", System.getProperty(NativeSetup.HELPERS_DISABLED_PROPERTY));
        } finally {
            if (before == null) {
                System.clearProperty(NativeSetup.HELPERS_DISABLED_PROPERTY);
            } else {
                System.setProperty(NativeSetup.HELPERS_DISABLED_PROPERTY, before);
            }
        }
    }
}
