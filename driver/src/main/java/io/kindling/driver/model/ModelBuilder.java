package io.kindling.driver.model;

import io.kindling.driver.job.JobSpec;
import io.kindling.driver.job.OptimizerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.SpatialDropout;
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
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Turns a {@link ModelSpec} into a DL4J configuration for a given input shape and number of classes,
 * checking every shape on the way: a layer whose declared input (in_channels, in_features) differs
 * from what reaches it, or whose kernel does not fit, is an error naming the layer and both shapes.
 * An activation right after a conv2d or dense layer becomes that layer's activation (same result,
 * one DL4J layer). Weights start as PyTorch's defaults, U(±1/sqrt(fan_in)).
 */
public final class ModelBuilder {
    private static final Map<String, Activation> ACTIVATIONS = Map.of(
            "relu", Activation.RELU, "tanh", Activation.TANH, "sigmoid", Activation.SIGMOID,
            "leaky_relu", Activation.LEAKYRELU, "elu", Activation.ELU, "identity", Activation.IDENTITY);
    private static final Map<String, String> TORCH_NAMES = Map.of(
            "relu", "ReLU()", "tanh", "Tanh()", "sigmoid", "Sigmoid()", "leaky_relu", "LeakyReLU(negative_slope=0.01)",
            "elu", "ELU(alpha=1.0)", "identity", "Identity()", "log_softmax", "LogSoftmax(dim=1)",
            "softmax", "Softmax(dim=1)");

    private final Shape inputShape;
    private final List<Layer> layers = new ArrayList<>();
    private final List<String> summary = new ArrayList<>();
    private long parameters;
    private Shape shape;

    private ModelBuilder(Shape input) {
        this.inputShape = input;
        this.shape = input;
    }

    /** A built model: its DL4J configuration and a {@code print(net)}-style summary. */
    public record Built(MultiLayerConfiguration configuration, String summary, long parameters) {
    }

    public static Built build(ModelSpec spec, Shape input, int classes, OptimizerSpec optimizer, long seed) {
        return new ModelBuilder(input).assemble(spec, classes, optimizer, seed);
    }

    private Built assemble(ModelSpec spec, int classes, OptimizerSpec optimizer, long seed) {
        List<LayerSpec> all = spec.layers();
        int outputIndex = outputIndex(all);
        LayerSpec output = all.get(outputIndex);
        String finalActivation = outputIndex < all.size() - 1 ? all.get(all.size() - 1).text("name", "") : null;
        String loss = spec.loss() != null ? spec.loss() : "log_softmax".equals(finalActivation) ? "nll" : "cross_entropy";
        if (loss.equals("mse") && "log_softmax".equals(finalActivation)) {
            finalActivation = null; // MSE compares outputs with one-hot targets; log-probabilities make no sense there
        }

        for (int i = 0; i < outputIndex; i++) {
            LayerSpec layer = all.get(i);
            if (layer.type().equals("activation") && fuse(layer)) {
                continue;
            }
            add(layer);
        }
        addOutput(output, loss, classes, finalActivation);

        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(seed)
                // Convolutions keep their forward output for backprop; DL4J otherwise computes it twice.
                .cacheMode(CacheMode.DEVICE)
                .updater(Optimizers.updater(optimizer)).list();
        for (Layer layer : layers) {
            if (layer instanceof ConvolutionLayer || layer instanceof DenseLayer || layer instanceof OutputLayer) {
                Optimizers.decay((BaseLayer) layer, optimizer);
            }
            list.layer(layer);
        }
        Shape input = inputShape;
        list.setInputType(input.isImage()
                ? InputType.convolutionalFlat(input.height(), input.width(), input.channels())
                : InputType.feedForward(input.size()));
        MultiLayerConfiguration conf = list.build();
        // Initialising a network records each layer's parameter names in the configuration. DL4J's JSON
        // reader needs them: without, it takes batch norm's running variance for a log-stdev (M2.1), and
        // every worker, which builds its network from the JSON, would misread that parameter.
        new MultiLayerNetwork(conf).init();
        StringBuilder text = new StringBuilder((spec.name() == null ? "Net" : spec.name()) + "(\n");
        summary.forEach(line -> text.append("  ").append(line).append('\n'));
        text.append(String.format(Locale.ROOT, ")%ninput %s, loss %s, %,d parameters", input, lossName(loss), parameters));
        return new Built(conf, text.toString(), parameters);
    }

    private static int outputIndex(List<LayerSpec> all) {
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).type().equals("output") && i != all.size() - 1) {
                throw new IllegalArgumentException(all.get(i).where() + ": the output layer must come last");
            }
        }
        int last = all.size() - 1;
        LayerSpec tail = all.get(last);
        if (tail.type().equals("activation") && List.of("log_softmax", "softmax").contains(tail.text("name", ""))) {
            last--;
        }
        if (last < 0 || !List.of("dense", "output").contains(all.get(last).type())) {
            throw new IllegalArgumentException("the model must end with a dense (or output) layer, optionally"
                    + " followed by log_softmax; it ends with " + all.get(all.size() - 1).where());
        }
        return last;
    }

    private void add(LayerSpec layer) {
        switch (layer.type()) {
            case "conv2d" -> conv(layer);
            case "maxpool2d", "avgpool2d" -> pool(layer);
            case "dropout" -> dropout(layer, false);
            case "dropout2d" -> dropout(layer, true);
            case "batchnorm" -> batchNorm(layer);
            case "dense" -> dense(layer);
            case "activation" -> activation(layer);
            case "flatten" -> flatten(layer);
            default -> throw new IllegalStateException(layer.type());
        }
    }

    private void conv(LayerSpec layer) {
        requireImage(layer);
        int in = shape.channels();
        if (layer.has("in_channels") && layer.integer("in_channels", null) != in) {
            throw mismatch(layer, "in_channels " + layer.integer("in_channels", null), in + "x" + shape.height() + "x"
                    + shape.width() + " (" + in + " channels)");
        }
        int out = layer.integer("out_channels", null);
        int[] k = layer.pair("kernel_size", null);
        int[] s = layer.pair("stride", new int[] {1, 1});
        int[] p = layer.pair("padding", new int[] {0, 0});
        Shape next = Shape.image(out, outSize(layer, shape.height(), k[0], s[0], p[0]),
                outSize(layer, shape.width(), k[1], s[1], p[1]));
        long fanIn = (long) in * k[0] * k[1];
        long params = out * fanIn + out;
        Activation act = activationArg(layer);
        layers.add(new ConvolutionLayer.Builder(k[0], k[1]).stride(s[0], s[1]).padding(p[0], p[1]).nIn(in).nOut(out)
                .activation(act).weightInit(PyTorchInit.uniform(fanIn)).build());
        row(String.format("Conv2d(%d, %d, kernel_size=(%d, %d), stride=(%d, %d)%s)", in, out, k[0], k[1], s[0], s[1],
                p[0] == 0 && p[1] == 0 ? "" : String.format(", padding=(%d, %d)", p[0], p[1])), next, params);
        activationRow(layer);
    }

    private void pool(LayerSpec layer) {
        requireImage(layer);
        int[] k = layer.pair("kernel_size", null);
        int[] s = layer.pair("stride", k);
        int[] p = layer.pair("padding", new int[] {0, 0});
        Shape next = Shape.image(shape.channels(), outSize(layer, shape.height(), k[0], s[0], p[0]),
                outSize(layer, shape.width(), k[1], s[1], p[1]));
        boolean max = layer.type().equals("maxpool2d");
        layers.add(new SubsamplingLayer.Builder(max ? SubsamplingLayer.PoolingType.MAX : SubsamplingLayer.PoolingType.AVG)
                .kernelSize(k[0], k[1]).stride(s[0], s[1]).padding(p[0], p[1]).build());
        row(String.format("%s(kernel_size=%s, stride=%s, padding=%s)", max ? "MaxPool2d" : "AvgPool2d", torchPair(k),
                torchPair(s), torchPair(p)), next, 0);
    }

    private void dropout(LayerSpec layer, boolean spatial) {
        double p = layer.number("p", 0.5);
        if (p < 0 || p >= 1) {
            throw new IllegalArgumentException(layer.where() + ": p " + p + ", expected a probability in [0, 1)");
        }
        if (spatial) {
            requireImage(layer);
            layers.add(new DropoutLayer.Builder().dropOut(new SpatialDropout(1 - p)).build());
        } else {
            // DL4J takes the probability to keep, PyTorch the probability to drop.
            layers.add(new DropoutLayer.Builder(1 - p).build());
        }
        row(String.format(Locale.ROOT, "%s(p=%s)", spatial ? "Dropout2d" : "Dropout", p), shape, 0);
    }

    private void batchNorm(LayerSpec layer) {
        double eps = layer.number("eps", 1e-5);
        double momentum = layer.number("momentum", 0.1);
        // PyTorch: running = (1 − momentum)·running + momentum·batch; DL4J's decay is 1 − momentum.
        // Running variance rather than log-std, so averaging across workers averages variances.
        layers.add(new BatchNormalization.Builder().eps(eps).decay(1 - momentum).useLogStd(false).build());
        int features = shape.channels();
        row(String.format(Locale.ROOT, "%s(%d, eps=%s, momentum=%s)", shape.isImage() ? "BatchNorm2d" : "BatchNorm1d",
                features, eps, momentum), shape, 2L * features);
    }

    private void dense(LayerSpec layer) {
        flattenIfImage();
        int in = shape.size();
        if (layer.has("in_features") && layer.integer("in_features", null) != in) {
            throw mismatch(layer, "in_features " + layer.integer("in_features", null), in + " features");
        }
        int out = layer.integer("out_features", null);
        layers.add(new DenseLayer.Builder().nIn(in).nOut(out).activation(activationArg(layer))
                .weightInit(PyTorchInit.uniform(in)).build());
        row(String.format("Linear(in_features=%d, out_features=%d, bias=True)", in, out), Shape.flat(out),
                (long) in * out + out);
        activationRow(layer);
    }

    private void activation(LayerSpec layer) {
        String name = layer.text("name", null);
        Activation act = activation(layer, name);
        layers.add(new ActivationLayer.Builder().activation(act).build());
        row(TORCH_NAMES.get(name), shape, 0);
    }

    private void flatten(LayerSpec layer) {
        flattenIfImage();
    }

    private void flattenIfImage() {
        if (shape.isImage()) {
            Shape flat = Shape.flat(shape.size());
            row("Flatten(start_dim=1, end_dim=-1)", flat, 0);
            shape = flat;
        }
    }

    /** Makes an activation layer the activation of the conv2d or dense layer right before it, if it has none. */
    private boolean fuse(LayerSpec activation) {
        if (layers.isEmpty() || !(layers.get(layers.size() - 1) instanceof BaseLayer previous)
                || !(previous instanceof ConvolutionLayer || previous instanceof DenseLayer)
                || !(previous.getActivationFn() instanceof ActivationIdentity)) {
            return false;
        }
        String name = activation.text("name", null);
        previous.setActivationFn(activation(activation, name).getActivationFunction());
        row(TORCH_NAMES.get(name), shape, 0);
        return true;
    }

    private void addOutput(LayerSpec output, String loss, int classes, String finalActivation) {
        flattenIfImage();
        int in = shape.size();
        if (output.has("in_features") && output.integer("in_features", null) != in) {
            throw mismatch(output, "in_features " + output.integer("in_features", null), in + " features");
        }
        Object declared = output.args().get("out_features");
        int out = declared == null || "classes".equals(declared) ? classes : output.integer("out_features", null);
        if (!loss.equals("mse") && out != classes) {
            throw new IllegalArgumentException(output.where() + ": out_features " + out + ", but the dataset has "
                    + classes + " classes");
        }
        String lossOfOutput = output.text("loss", loss);
        LossFunctions.LossFunction dl4jLoss = switch (lossOfOutput) {
            case "nll" -> LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD;
            case "cross_entropy" -> LossFunctions.LossFunction.MCXENT;
            case "mse" -> LossFunctions.LossFunction.MSE;
            default -> throw new IllegalArgumentException(output.where() + ": loss " + lossOfOutput
                    + ", expected one of " + JobSpec.LOSSES);
        };
        Activation act = lossOfOutput.equals("mse")
                ? (finalActivation == null ? Activation.IDENTITY : finalActivation.equals("softmax")
                        ? Activation.SOFTMAX : activation(output, finalActivation))
                : Activation.SOFTMAX;
        layers.add(new OutputLayer.Builder(dl4jLoss).nIn(in).nOut(out).activation(act)
                .weightInit(PyTorchInit.uniform(in)).build());
        row(String.format("Linear(in_features=%d, out_features=%d, bias=True)", in, out), Shape.flat(out),
                (long) in * out + out);
        if (finalActivation != null) {
            row(TORCH_NAMES.get(finalActivation), Shape.flat(out), 0);
        }
    }

    private static String lossName(String loss) {
        return switch (loss) {
            case "nll" -> "NLLLoss (log_softmax output)";
            case "cross_entropy" -> "CrossEntropyLoss";
            default -> "MSELoss";
        };
    }

    private Activation activationArg(LayerSpec layer) {
        String name = layer.text("activation", "identity");
        return activation(layer, name);
    }

    private static Activation activation(LayerSpec layer, String name) {
        if (name == null) {
            throw new IllegalArgumentException(layer.where() + ": needs a name, one of " + ACTIVATIONS.keySet());
        }
        Activation act = ACTIVATIONS.get(name);
        if (act == null) {
            throw new IllegalArgumentException(layer.where() + ": activation " + name + ", expected one of "
                    + ACTIVATIONS.keySet() + (List.of("log_softmax", "softmax").contains(name)
                    ? " (" + name + " only as the last layer)" : ""));
        }
        return act;
    }

    private void activationRow(LayerSpec layer) {
        if (layer.has("activation") && !"identity".equals(layer.text("activation", null))) {
            row(TORCH_NAMES.get(layer.text("activation", null)), shape, 0);
        }
    }

    private void requireImage(LayerSpec layer) {
        if (!shape.isImage()) {
            throw mismatch(layer, "an image input CxHxW", shape + " features (after a dense or flatten layer)");
        }
    }

    private int outSize(LayerSpec layer, int in, int kernel, int stride, int padding) {
        int out = Math.floorDiv(in + 2 * padding - kernel, stride) + 1;
        if (kernel < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException(layer.where() + ": kernel_size, stride and padding must be positive");
        }
        if (out < 1) {
            throw mismatch(layer, String.format("kernel %d with padding %d", kernel, padding),
                    shape + ", too small for it");
        }
        return out;
    }

    private static IllegalArgumentException mismatch(LayerSpec layer, String expects, String gets) {
        return new IllegalArgumentException(layer.where() + ": expects " + expects + ", but its input is " + gets);
    }

    private void row(String description, Shape out, long params) {
        summary.add(String.format(Locale.ROOT, "%-6s%-70s -> %-10s %,11d", "(" + summary.size() + "):", description,
                out, params));
        parameters += params;
        shape = out;
    }

    private static String torchPair(int[] p) {
        return p[0] == p[1] ? String.valueOf(p[0]) : "(" + p[0] + ", " + p[1] + ")";
    }
}
