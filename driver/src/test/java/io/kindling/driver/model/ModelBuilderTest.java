package io.kindling.driver.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.driver.job.JobOptions;
import io.kindling.driver.job.JobSpec;
import io.kindling.driver.job.OptimizerSpec;
import io.kindling.worker.FusedNetwork;
import io.kindling.worker.Networks;
import io.kindling.worker.TinyNets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

class ModelBuilderTest {
    private static final Shape MNIST = Shape.image(1, 28, 28);
    private static final OptimizerSpec SGD = new OptimizerSpec("sgd", 0.01, 0, false, 0, 0);

    @TempDir
    Path tmp;

    @Test
    void zooModelsHaveThePyTorchParameterCountsAndDl4jAgrees() {
        Map<String, Long> expected = Map.of("mnist-cnn", 1_199_882L, "lenet5", 44_426L, "cifar10-cnn", 145_578L,
                "simple-cnn", 54_410L, "mlp", 235_146L);
        for (String name : ModelZoo.NAMES) {
            ModelBuilder.Built built = ModelBuilder.build(ModelZoo.spec(name, JobOptions.HIDDEN.defaultValue()),
                    ModelZoo.MODELS.get(name), 10, SGD, 1);
            assertEquals(expected.get(name), built.parameters(), name);
            MultiLayerNetwork net = new MultiLayerNetwork(built.configuration());
            net.init();
            assertEquals(built.parameters(), net.numParams(), name + ": DL4J counts the same");
        }
    }

    @Test
    void inputShapeAndClassesComeFromTheDataset() {
        ModelBuilder.Built lenetOnCifar = ModelBuilder.build(ModelZoo.spec("lenet5", List.of()), Shape.image(3, 32, 32),
                5, SGD, 1);
        assertTrue(lenetOnCifar.summary().contains("Linear(in_features=400, out_features=120, bias=True)"),
                lenetOnCifar.summary());
        assertTrue(lenetOnCifar.summary().contains("Linear(in_features=84, out_features=5, bias=True)"));
    }

    @Test
    void yamlAndJsonSpecFilesBuildTheSameModelWithBatchNorm() throws IOException {
        Path yaml = tmp.resolve("net.yaml");
        Files.writeString(yaml, """
                loss: cross_entropy
                layers:
                  - conv2d: {out_channels: 8, kernel_size: [3, 5], padding: 1, in_channels: 1}
                  - batchnorm: {momentum: 0.2}
                  - activation: relu
                  - maxpool2d: {kernel_size: 2}
                  - dropout: 0.1
                  - dense: {in_features: 1456, out_features: 32, activation: tanh}
                  - dense: classes
                """);
        Path json = tmp.resolve("net.json");
        Files.writeString(json, "{\"loss\": \"cross_entropy\", \"layers\": [{\"conv2d\": {\"out_channels\": 8,"
                + " \"kernel_size\": [3, 5], \"padding\": 1, \"in_channels\": 1}}, {\"batchnorm\": {\"momentum\": 0.2}},"
                + " {\"activation\": \"relu\"}, {\"maxpool2d\": {\"kernel_size\": 2}}, {\"dropout\": 0.1},"
                + " {\"dense\": {\"in_features\": 1456, \"out_features\": 32, \"activation\": \"tanh\"}},"
                + " {\"dense\": \"classes\"}]}");

        ModelBuilder.Built fromYaml = build(yaml.toString());
        ModelBuilder.Built fromJson = build(json.toString());

        assertEquals(fromYaml.configuration().toJson(), fromJson.configuration().toJson());
        BatchNormalization bn = (BatchNormalization) fromYaml.configuration().getConf(1).getLayer();
        assertEquals(0.8, bn.getDecay(), 1e-12, "PyTorch momentum 0.2 is DL4J decay 0.8");
        assertEquals(1e-5, bn.getEps(), 0);
        assertTrue(fromYaml.summary().contains("BatchNorm2d(8, eps=1.0E-5, momentum=0.2)"), fromYaml.summary());
        assertInstanceOf(LossMCXENT.class, ((OutputLayer) last(fromYaml.configuration())).getLossFn());
    }

    @Test
    void batchNormAsSpecsBuildItTakesTheFusedPath() throws IOException {
        Path mlp = tmp.resolve("mlp.yaml");
        Files.writeString(mlp, """
                layers:
                  - dense: {out_features: 32}
                  - batchnorm: {eps: 1.0e-5, momentum: 0.1}
                  - activation: relu
                  - dense: classes
                  - activation: log_softmax
                """);
        Path cnn = tmp.resolve("cnn.yaml");
        Files.writeString(cnn, """
                layers:
                  - conv2d: {out_channels: 6, kernel_size: 5}
                  - batchnorm: {}
                  - activation: relu
                  - maxpool2d: 2
                  - dense: {out_features: 16, activation: relu}
                  - dense: classes
                """);
        for (Path file : List.of(mlp, cnn)) {
            MultiLayerNetwork net = Networks.of(build(file.toString()).configuration());
            assertTrue(net instanceof FusedNetwork fused && fused.fused(), file.getFileName() + " takes the fused path");
        }
    }

    @Test
    void aDl4jConfigurationFileIsUsedAsWritten() throws IOException {
        MultiLayerConfiguration conf = TinyNets.mlp(new Sgd(0.3));
        Path file = tmp.resolve("dl4j.json");
        Files.writeString(file, conf.toJson());
        MultiLayerConfiguration loaded = build(file.toString()).configuration();
        new MultiLayerNetwork(conf).init(); // records parameter names, as building the loaded one did
        assertEquals(conf.toJson(), loaded.toJson());
    }

    @Test
    void mseTrainsAnIdentityOutput() {
        ModelSpec spec = ModelZoo.spec("mlp", List.of(16)).withLoss("mse");
        OutputLayer output = (OutputLayer) last(ModelBuilder.build(spec, MNIST, 10, SGD, 1).configuration());
        assertInstanceOf(LossMSE.class, output.getLossFn());
        assertInstanceOf(ActivationIdentity.class, output.getActivationFn());
        OutputLayer nll = (OutputLayer) last(ModelBuilder.build(ModelZoo.spec("mlp", List.of(16)), MNIST, 10, SGD, 1)
                .configuration());
        assertInstanceOf(ActivationSoftmax.class, nll.getActivationFn());
    }

    @Test
    void shapeMismatchesNameTheLayerAndBothShapes() throws IOException {
        assertError("""
                layers:
                  - conv2d: {out_channels: 32, kernel_size: 3}
                  - maxpool2d: 2
                  - dense: {in_features: 9216, out_features: 10}
                """, "layer 2 (dense): expects in_features 9216, but its input is 5408 features");
        assertError("""
                layers:
                  - conv2d: {out_channels: 4, kernel_size: 3, in_channels: 3}
                  - dense: 10
                """, "layer 0 (conv2d): expects in_channels 3, but its input is 1x28x28 (1 channels)");
        assertError("""
                layers:
                  - maxpool2d: 8
                  - maxpool2d: 8
                  - dense: 10
                """, "layer 1 (maxpool2d): expects kernel 8 with padding 0, but its input is 1x3x3, too small for it");
        assertError("""
                layers:
                  - dense: 64
                  - conv2d: {out_channels: 4, kernel_size: 3}
                  - dense: 10
                """, "layer 1 (conv2d): expects an image input CxHxW, but its input is 64 features (after a dense or"
                + " flatten layer)");
        assertError("""
                layers:
                  - dense: 7
                """, "layer 0 (dense): out_features 7, but the dataset has 10 classes");
    }

    @Test
    void malformedSpecsAreOneLineErrors() throws IOException {
        assertError("layers:\n  - conv3d: {out_channels: 4}\n", "layer 0 (conv3d): unknown layer type, expected one of"
                + " [conv2d, maxpool2d, avgpool2d, dropout, dropout2d, batchnorm, dense, activation, flatten, output]");
        assertError("layers:\n  - dense: {out_features: 4, units: 3}\n", "layer 0 (dense): unknown argument units,"
                + " expected [out_features, in_features, activation]");
        assertError("layers:\n  - dense: 10\n  - activation: relu\n", "the model must end with a dense (or output)"
                + " layer, optionally followed by log_softmax; it ends with layer 1 (activation)");
        assertError("layers:\n  - conv2d: {kernel_size: 3}\n  - dense: 10\n", "layer 0 (conv2d): out_channels is required");
        assertError("layers: [", "not YAML or JSON");
    }

    private void assertError(String spec, String message) throws IOException {
        Path file = Files.writeString(Files.createTempFile(tmp, "spec", ".yaml"), spec);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> build(file.toString()));
        assertTrue(e.getMessage().startsWith("--model-file " + file + ": ") && e.getMessage().contains(message),
                e.getMessage() + "\n does not say: " + message);
        assertEquals(1, e.getMessage().lines().count(), "one line");
    }

    private static ModelBuilder.Built build(String file) {
        return ModelFactory.build(JobSpec.builder().modelFile(file).optimizer("sgd").build(), MNIST, 10, false,
                new Configuration());
    }

    private static org.deeplearning4j.nn.conf.layers.Layer last(MultiLayerConfiguration conf) {
        return conf.getConf(conf.getConfs().size() - 1).getLayer();
    }
}
