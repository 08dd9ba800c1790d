package io.kindling.worker;

import io.kindling.datasets.Example;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small networks and examples for worker tests: fast, and without dropout so steps are deterministic. */
public final class TinyNets {
    private TinyNets() {
    }

    public static MultiLayerConfiguration mlp(IUpdater updater) {
        return new NeuralNetConfiguration.Builder()
                .seed(12).updater(updater).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    public static Example[] examples(int count, long seed) {
        Random random = new Random(seed);
        Example[] examples = new Example[count];
        for (int i = 0; i < count; i++) {
            byte[] pixels = new byte[784];
            random.nextBytes(pixels);
            examples[i] = new Example(i, random.nextInt(10), pixels);
        }
        return examples;
    }
}
