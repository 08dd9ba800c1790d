package io.kindling.worker.layers;

import io.kindling.worker.NativeFloats;
import io.kindling.worker.optim.FlatStep;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * The training step and the inference forward pass of a small network, computed directly on its
 * flat parameter and gradient arrays: dense layers (with activation, dropout and batch-norm layers
 * between them), optionally after small convolutions, batch norm and 2 × 2 pooling (LeNet-5), and
 * an output layer.
 * Each layer is a {@link Stage}: one BLAS call per matrix product (none for the first layer's input
 * gradient, which nobody reads), bias and activation in the same pass, buffers allocated once.
 * DL4J's own step runs dozens of validated ops per layer, each allocating its result, and oneDNN's
 * convolutions convert layouts around every call: for small layers that overhead, not the
 * arithmetic, was most of the step.
 *
 * <p>The gradients land in the network's gradient view exactly as DL4J's backward pass leaves
 * them (sums over the minibatch); then the division by the minibatch size, gradient clipping,
 * regularisation, the optimiser's rule and the update run as one pass over the flat arrays
 * ({@link FlatStep}), or as DL4J's updater where that pass does not apply. The numbers are DL4J's
 * to float rounding; the saved model is the same network.
 *
 * <p>{@link #of} returns null for anything else, and DL4J runs it: batch norm with a log-std
 * estimate or fixed γ and β (Kindling's specs build neither), masks, constraints,
 * weight noise, other layers, activations or losses, other data types, the CUDA backend, and
 * convolutions whose patches exceed {@link #MAX_PATCH_VALUES} per example (the MNIST and CIFAR-10
 * CNNs), which oneDNN computes faster.
 */
public final class FusedStack {
    /**
     * The largest input patch matrix per example a convolution may have here (in·kH·kW × outH·outW
     * values): LeNet-5's are 14 400 and 9 600; the MNIST CNN's second convolution has 165 888.
     */
    static final long MAX_PATCH_VALUES = 1 << 16;
    /**
     * The most values one buffer may hold: 64 Mi floats (256 MB). A training minibatch that needs
     * more goes to DL4J; inference runs in slices of {@link #SLICE} examples.
     */
    private static final long MAX_BUFFER_VALUES = 1 << 26;
    /** Examples per forward pass in inference: evaluation and predict hand over large batches. */
    private static final int SLICE = 256;

    private enum Loss { CROSS_ENTROPY, MSE }

    /** DL4J's default clipping of softmax probabilities in the cross-entropy score; others go to DL4J. */
    private static final double CLIP = 1e-10;

    private final MultiLayerNetwork net;
    private final Stage[] stages;
    private final DenseStage last;
    private final Loss loss;
    private final boolean regularized;
    private final Gradient gradient;
    private final Deltas deltas = new Deltas();
    private final int widest;
    private final long perExample; // the most values a buffer holds per example
    private FlatStep step; // the optimiser's step over the flat arrays; null: DL4J's updater
    private Updater stepFor;

    private FusedStack(MultiLayerNetwork net, Stage[] stages, Loss loss, boolean regularized) {
        this.net = net;
        this.stages = stages;
        this.last = (DenseStage) stages[stages.length - 1];
        this.loss = loss;
        this.regularized = regularized;
        this.widest = Arrays.stream(stages).mapToInt(s -> Math.max(s.in, s.out)).max().orElse(1);
        this.perExample = Arrays.stream(stages).mapToLong(Stage::valuesPerExample).max().orElse(1);
        if (net.getFlattenedGradients() == null) {
            net.initGradientsView();
        }
        // DL4J's updater wants the flat view itself, and each parameter's view under "layer_param"
        gradient = new DefaultGradient(net.getFlattenedGradients());
        for (int i = 0; i < net.getnLayers(); i++) {
            Layer layer = net.getLayer(i);
            if (layer.numParams() == 0) {
                continue;
            }
            Map<String, INDArray> views = layer.conf().getLayer().initializer()
                    .getGradientsFromFlattened(layer.conf(), layer.getGradientsViewArray());
            for (Map.Entry<String, INDArray> view : views.entrySet()) {
                gradient.setGradientFor(i + "_" + view.getKey(), view.getValue());
            }
        }
    }

    /** The fused path for {@code net}, or null when its layers or settings need DL4J's. */
    public static FusedStack of(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        if (!Nd4j.getEnvironment().isCPU() || conf.getDataType() != DataType.FLOAT
                || conf.getBackpropType() != BackpropType.Standard || !net.conf().isMiniBatch()
                || NativeFloats.of(net.params()) == null) {
            return null;
        }
        List<Stage> stages = new ArrayList<>();
        int[] image = null; // channels, height, width while the values are images
        int width = -1; // values per example
        boolean regularized = false;
        Loss loss = null;
        int n = net.getnLayers();
        for (int i = 0; i < n; i++) {
            Layer layer = net.getLayer(i);
            org.deeplearning4j.nn.conf.layers.Layer c = layer.conf().getLayer();
            boolean last = i == n - 1;
            InputPreProcessor pre = conf.getInputPreProcess(i);
            if (pre instanceof FeedForwardToCnnPreProcessor toImage && (width < 0 || width == toImage.getInputHeight()
                    * toImage.getInputWidth() * toImage.getNumChannels())) {
                image = new int[] {(int) toImage.getNumChannels(), (int) toImage.getInputHeight(),
                        (int) toImage.getInputWidth()};
                width = image[0] * image[1] * image[2];
            } else if (pre instanceof CnnToFeedForwardPreProcessor flat && image != null
                    && flat.getFormat() == CNN2DFormat.NCHW && flat.getNumChannels() == image[0]
                    && flat.getInputHeight() == image[1] && flat.getInputWidth() == image[2]) {
                image = null; // NCHW values, flattened in the same order
            } else if (pre != null) {
                return null;
            }
            if ((c.getConstraints() != null && !c.getConstraints().isEmpty())
                    || (c instanceof BaseLayer base && base.getWeightNoise() != null)) {
                return null;
            }
            Stage stage;
            if (c instanceof DropoutLayer d && !last && width > 0) {
                double retain = d.getIDropout() instanceof CpuDropout cpu ? cpu.retain() : -1;
                if (retain <= 0) {
                    return null; // DL4J's own mask draws element by element from ND4J's generator: not reproducible here
                }
                stage = new DropoutStage(width, retain);
            } else if (c instanceof ActivationLayer act && !last && width > 0) {
                ElementwiseActivation a = ElementwiseActivation.of(act.getActivationFn());
                if (a == null || act.getIDropout() != null) {
                    return null;
                }
                stage = new ActivationStage(width, a);
            } else if (c.getClass() == BatchNormalization.class && !last && width > 0) {
                stage = batchNorm(layer, (BatchNormalization) c, image, width);
                if (stage == null) {
                    return null;
                }
            } else if (c.getClass() == ConvolutionLayer.class && image != null && !last) {
                stage = convolution(layer, (ConvolutionLayer) c, image, stages.isEmpty());
                if (stage == null) {
                    return null;
                }
                ConvolutionLayer conv = (ConvolutionLayer) c;
                image = new int[] {(int) conv.getNOut(), ((ImageStage) stage).outH(), ((ImageStage) stage).outW()};
                regularized |= !conv.getRegularization().isEmpty() || !conv.getRegularizationBias().isEmpty();
            } else if (c.getClass() == SubsamplingLayer.class && image != null && !last) {
                PoolingStage pooling = pooling((SubsamplingLayer) c, image);
                if (pooling == null) {
                    return null;
                }
                image = new int[] {image[0], image[1] / 2, image[2] / 2};
                Stage before = stages.isEmpty() ? null : stages.get(stages.size() - 1);
                if (pooling.isMax() && before instanceof ImageStage conv && conv.canTakeInMaxPooling()) {
                    // into the convolution: the activations are pooled while in cache
                    Stage taken = conv.withMaxPooling();
                    stages.set(stages.size() - 1, taken);
                    width = taken.out;
                    continue;
                }
                stage = pooling;
            } else if (image == null && ((c.getClass() == DenseLayer.class && !last)
                    || (c.getClass() == OutputLayer.class && last))) {
                FeedForwardLayer ff = (FeedForwardLayer) c;
                if (ff.getIDropout() != null || (width >= 0 && ff.getNIn() != width) || ff.getNIn() > Integer.MAX_VALUE
                        || ff.getNOut() > Integer.MAX_VALUE || (c instanceof DenseLayer dense
                        && (Boolean.TRUE.equals(dense.hasLayerNorm()) || !dense.hasBias()))
                        || (c instanceof OutputLayer output && !output.hasBias())) {
                    return null;
                }
                ElementwiseActivation a = null;
                if (last) {
                    loss = loss(((OutputLayer) c).getLossFn(), ff);
                    if (loss == null) {
                        return null;
                    }
                } else if ((a = ElementwiseActivation.of(ff.getActivationFn())) == null) {
                    return null;
                }
                long[] offsets = offsets(layer, 'f');
                if (offsets == null) {
                    return null;
                }
                stage = new DenseStage((int) ff.getNIn(), (int) ff.getNOut(), offsets[0], offsets[1], a);
                regularized |= !ff.getRegularization().isEmpty() || !ff.getRegularizationBias().isEmpty();
            } else {
                return null;
            }
            if (width >= 0 && stage.in != width) {
                return null;
            }
            stages.add(stage);
            width = stage.out;
        }
        if (loss == null || stages.isEmpty()
                || !(stages.get(0) instanceof DenseStage || stages.get(0) instanceof ImageStage)) {
            return null;
        }
        return new FusedStack(net, stages.toArray(Stage[]::new), loss, regularized);
    }

    /**
     * The offsets of a layer's W (laid out in {@code order}) and b in the flat parameter array (the
     * views' offsets into it), or null. The gradient views have the same layout.
     */
    private static long[] offsets(Layer layer, char order) {
        INDArray w = layer.getParam("W");
        INDArray b = layer.getParam("b");
        if (w == null || b == null || w.ordering() != order || layer.numParams() != w.length() + b.length()) {
            return null;
        }
        return new long[] {w.offset(), b.offset()};
    }

    /** Batch norm over flat values or NCHW channels, as DL4J's variance parameterisation computes it; else null. */
    private static BatchNormStage batchNorm(Layer layer, BatchNormalization c, int[] image, int width) {
        int features = image == null ? width : image[0];
        int positions = image == null ? 1 : image[1] * image[2];
        if (c.isLockGammaBeta() || c.isUseLogStd() || c.getIDropout() != null || c.getNOut() != features
                || (image != null && c.getCnn2DFormat() != CNN2DFormat.NCHW)
                || layer.numParams() != 4L * features) {
            return null;
        }
        long[] offsets = new long[4];
        String[] names = {BatchNormalizationParamInitializer.GAMMA, BatchNormalizationParamInitializer.BETA,
                BatchNormalizationParamInitializer.GLOBAL_MEAN, BatchNormalizationParamInitializer.GLOBAL_VAR};
        for (int i = 0; i < names.length; i++) {
            INDArray view = layer.getParam(names[i]);
            if (view == null || view.length() != features) {
                return null;
            }
            offsets[i] = view.offset();
        }
        return new BatchNormStage(features, positions, offsets[0], offsets[1], offsets[2], offsets[3], c.getEps(),
                c.getDecay());
    }

    /** A convolution stage, direct when it is the first stage and small enough; null where DL4J's is needed. */
    private static Stage convolution(Layer layer, ConvolutionLayer c, int[] image, boolean first) {
        if (c.getCnn2dDataFormat() != CNN2DFormat.NCHW || !c.hasBias() || c.getIDropout() != null
                || (c.getConvolutionMode() != ConvolutionMode.Truncate && c.getConvolutionMode() != ConvolutionMode.Strict)
                || c.getNIn() != image[0]) {
            return null;
        }
        ElementwiseActivation a = ElementwiseActivation.of(c.getActivationFn());
        long[] offsets = offsets(layer, 'c');
        if (a == null || offsets == null) {
            return null;
        }
        int[] k = c.getKernelSize();
        int[] s = c.getStride();
        int[] p = c.getPadding();
        int[] d = c.getDilation();
        int spanH = image[1] + 2 * p[0] - d[0] * (k[0] - 1) - 1;
        int spanW = image[2] + 2 * p[1] - d[1] * (k[1] - 1) - 1;
        if (spanH < 0 || spanW < 0 || (c.getConvolutionMode() == ConvolutionMode.Strict
                && (spanH % s[0] != 0 || spanW % s[1] != 0))) {
            return null; // DL4J rejects what Strict mode does not divide exactly
        }
        int outH = spanH / s[0] + 1;
        int outW = spanW / s[1] + 1;
        Im2col one = new Im2col(1, image[0], image[1], image[2], k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1],
                outH, outW);
        if (ConvolutionStage.patchValues(one) > MAX_PATCH_VALUES) {
            return null;
        }
        if (first && DirectConvolutionStage.handles(one, (int) c.getNOut())) {
            return new DirectConvolutionStage(one, (int) c.getNOut(), offsets[0], offsets[1], a);
        }
        return new ConvolutionStage(one, (int) c.getNOut(), offsets[0], offsets[1], a);
    }

    private static PoolingStage pooling(SubsamplingLayer c, int[] image) {
        if (c.getIDropout() != null || !CpuPooling.handles(c, c.getConvolutionMode(), image[1], image[2])) {
            return null;
        }
        return new PoolingStage(c.getPoolingType() == PoolingType.MAX, image[0], image[1], image[2]);
    }

    private static Loss loss(ILossFunction fn, FeedForwardLayer output) {
        if (fn instanceof LossMCXENT x && output.getActivationFn() instanceof ActivationSoftmax && x.getWeights() == null
                && x.getSoftmaxClipEps() == CLIP) {
            return Loss.CROSS_ENTROPY; // LossNegativeLogLikelihood is a LossMCXENT
        }
        if (fn.getClass() == LossMSE.class && ((LossMSE) fn).getWeights() == null
                && ElementwiseActivation.of(output.getActivationFn()) != null
                && ElementwiseActivation.of(output.getActivationFn()).isIdentity()) {
            return Loss.MSE;
        }
        return null;
    }

    /** Whether {@link #fit} takes a minibatch of {@code examples}: its buffers stay within bounds. */
    public boolean fits(long examples) {
        return examples * perExample <= MAX_BUFFER_VALUES;
    }

    /**
     * One training step on a minibatch, as {@code net.fit(features, labels)} does it: forward,
     * backward, the optimiser's step, the iteration count and the score. See {@link #fits}.
     */
    public void fit(INDArray features, INDArray labels) {
        int examples = (int) features.size(0);
        if (!fits(examples)) {
            throw new IllegalArgumentException("a minibatch of " + examples + " examples exceeds the fused path's "
                    + MAX_BUFFER_VALUES + " values per buffer");
        }
        INDArray x = input(features);
        FloatPointer xp = NativeFloats.of(x);
        FloatBuffer xValues = values(xp, (long) examples * stages[0].in);
        reserve(examples);
        forward(xp, xValues, examples, true);
        double score = lossAndDelta(labels, examples);
        FloatPointer params = NativeFloats.of(net.params());
        FloatPointer grads = NativeFloats.of(net.getFlattenedGradients());
        for (int i = stages.length - 1; i >= 0; i--) {
            Stage before = i == 0 ? null : stages[i - 1];
            boolean moved = stages[i].backward(before == null ? xp : before.outputPointer,
                    before == null ? xValues : before.output, examples, deltas, params, grads, i > 0);
            if (moved) {
                deltas.swap();
            }
        }
        java.lang.ref.Reference.reachabilityFence(x);
        if (regularized) {
            score += net.calcRegularizationScore(true);
        }
        int iteration = net.getIterationCount();
        int epoch = net.getEpochCount();
        Updater updater = net.getUpdater();
        if (updater != stepFor) { // set up once per updater: gradient clipping installs its own
            step = FlatStep.of(net);
            stepFor = updater;
        }
        if (step != null) {
            step.apply(examples, iteration, epoch);
        } else {
            updater.update(net, gradient, iteration, epoch, examples, LayerWorkspaceMgr.noWorkspaces());
            INDArray p = net.params();
            p.subi(net.getFlattenedGradients().reshape(p.shape()));
        }
        net.setIterationCount(iteration + 1);
        net.setScore(score);
    }

    /**
     * The network's output for {@code features} in inference mode: the output layer's activations,
     * computed {@link #SLICE} examples at a time.
     */
    public INDArray output(INDArray features) {
        int examples = (int) features.size(0);
        INDArray x = input(features);
        FloatPointer xp = NativeFloats.of(x);
        INDArray out = Nd4j.createUninitializedDetached(DataType.FLOAT, examples, last.out);
        FloatPointer target = NativeFloats.of(out);
        int slice = (int) Math.max(1, Math.min(SLICE, MAX_BUFFER_VALUES / perExample));
        for (int from = 0; from < examples; from += slice) {
            int n = Math.min(slice, examples - from);
            FloatPointer in = Stage.at(xp, (long) from * stages[0].in);
            reserve(n);
            forward(in, values(in, (long) n * stages[0].in), n, false);
            // FloatBuffers, not Pointer.memcpy: that one takes a FloatPointer's position as bytes
            values(Stage.at(target, (long) from * last.out), (long) n * last.out).put(0, last.output, 0, n * last.out);
        }
        java.lang.ref.Reference.reachabilityFence(x);
        return out;
    }

    /** The features as dense row-major floats, one row per example. */
    private INDArray input(INDArray features) {
        INDArray x = features.dataType() == DataType.FLOAT ? features : features.castTo(DataType.FLOAT);
        if (x.length() != x.size(0) * stages[0].in) {
            throw new IllegalArgumentException("features of shape " + Arrays.toString(x.shape()) + ": expected "
                    + stages[0].in + " values per example");
        }
        return NativeFloats.of(x) != null ? x : x.dup('c');
    }

    private static FloatBuffer values(FloatPointer p, long n) {
        return new FloatPointer(p).limit(p.position() + n).asBuffer();
    }

    private void reserve(int examples) {
        for (Stage s : stages) {
            s.reserve(examples);
        }
        deltas.reserve((long) examples * widest);
    }

    private void forward(FloatPointer x, FloatBuffer xValues, int examples, boolean training) {
        FloatPointer params = NativeFloats.of(net.params());
        for (Stage s : stages) {
            s.forward(x, xValues, examples, training, params);
            x = s.outputPointer;
            xValues = s.output;
        }
        if (loss == Loss.CROSS_ENTROPY) {
            softmax(last.preActivation(), last.output, examples, last.out);
        } else {
            Stage.copy(last.preActivation(), last.output, examples * last.out);
        }
    }

    private static void softmax(FloatBuffer z, FloatBuffer a, int examples, int width) {
        for (int r = 0; r < examples; r++) {
            int base = r * width;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < width; j++) {
                max = Math.max(max, z.get(base + j));
            }
            double sum = 0;
            for (int j = 0; j < width; j++) {
                float e = (float) Math.exp(z.get(base + j) - max);
                a.put(base + j, e);
                sum += e;
            }
            float scale = (float) (1 / sum);
            for (int j = 0; j < width; j++) {
                a.put(base + j, a.get(base + j) * scale);
            }
        }
    }

    /**
     * The output layer's δ (as DL4J's loss functions give it: not yet divided by the examples)
     * into {@code deltas.out}, and the minibatch's mean loss.
     */
    private double lossAndDelta(INDArray labelArray, int examples) {
        int width = last.out;
        INDArray y = labelArray.dataType() == DataType.FLOAT ? labelArray : labelArray.castTo(DataType.FLOAT);
        if (y.rank() != 2 || y.size(0) != examples || y.size(1) != width) {
            throw new IllegalArgumentException("labels of shape " + Arrays.toString(y.shape()) + ", expected ["
                    + examples + ", " + width + "]");
        }
        if (NativeFloats.of(y) == null) {
            y = y.dup('c');
        }
        FloatBuffer labels = values(NativeFloats.of(y), (long) examples * width);
        FloatBuffer out = last.output;
        FloatBuffer delta = deltas.out;
        double total = 0;
        if (loss == Loss.CROSS_ENTROPY) {
            // DL4J clips the probabilities to [1e-10, 1 - 1e-10] for the score, not for the gradient
            for (int i = 0; i < examples * width; i++) {
                float p = out.get(i);
                float t = labels.get(i);
                if (t != 0) {
                    total -= t * Math.log(Math.min(Math.max(p, CLIP), 1 - CLIP));
                }
                delta.put(i, p - t);
            }
        } else {
            for (int i = 0; i < examples * width; i++) {
                float d = out.get(i) - labels.get(i);
                total += (double) d * d / width;
                delta.put(i, 2 * d / width);
            }
        }
        java.lang.ref.Reference.reachabilityFence(y);
        return total / examples;
    }
}
