package io.kindling.worker;

import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.Example;
import io.kindling.datasets.transform.Pipeline;
import java.util.ArrayList;
import java.util.List;
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

    /** MNIST's shape and classes. */
    public static final DatasetInfo MNIST = DatasetInfo.image(1, 28, 28, DatasetInfo.numbered(10));

    /** The MNIST seed's transforms: to_tensor; normalize(0.1307, 0.3081). */
    public static final Pipeline MNIST_TRANSFORMS = Pipeline.parse("to_tensor; normalize(0.1307, 0.3081)");

    public static MinibatchAssembler assembler() {
        return new MinibatchAssembler(MNIST_TRANSFORMS, MNIST, 1);
    }

    public static WorkerConfig config(MultiLayerConfiguration conf, int batch, int k, long seed, boolean trace) {
        return new WorkerConfig(conf.toJson(), batch, k, MNIST, MNIST_TRANSFORMS, seed, 1, trace, 0);
    }

    public static List<Example> examples(int count, long seed) {
        Random random = new Random(seed);
        List<Example> examples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] pixels = new byte[784];
            random.nextBytes(pixels);
            examples.add(Example.image(i, random.nextInt(10), pixels));
        }
        return examples;
    }
}
