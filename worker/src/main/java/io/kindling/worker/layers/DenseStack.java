package io.kindling.worker.layers;

import io.kindling.worker.NativeFloats;
import io.kindling.worker.optim.FlatStep;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * The training step and the inference forward pass of a network made of dense layers (with
 * activation and dropout layers between them and an output layer at the end), computed directly
 * on the network's flat parameter and gradient arrays: one BLAS call per matrix product (two in
 * the backward pass, one for the first layer, whose input gradient nobody reads), the bias and the
 * activation applied in place in the same pass, every buffer allocated once. DL4J's own step runs
 * dozens of validated ops per layer, each allocating its result, and computes the first layer's
 * input gradient and every dense layer's product twice: for small layers that overhead, not the
 * arithmetic, was most of the step.
 *
 * <p>The gradients land in the network's gradient view exactly as DL4J's backward pass leaves
 * them (sums over the minibatch); then the division by the minibatch size, gradient clipping,
 * regularisation, the optimiser's rule and the update run as one pass over the flat arrays
 * ({@link FlatStep}), or as DL4J's updater where that pass does not apply. The numbers are DL4J's
 * to float rounding; the saved model is the same network.
 *
 * <p>{@link #of} returns null for anything else (convolutions, batch norm, masks, constraints,
 * weight noise, other activations or losses, other data types, the CUDA backend): DL4J runs those.
 */
public final class DenseStack {
    private static final int ROW = openblas_nolapack.CblasRowMajor;
    private static final int NO = openblas_nolapack.CblasNoTrans;
    private static final int TRANS = openblas_nolapack.CblasTrans;

    private enum Kind { DENSE, DROPOUT, ACTIVATION }

    /** One of the network's layers as the fused pass sees it; the output layer is the last DENSE. */
    private static final class Stage {
        final Kind kind;
        final int in;
        final int out;
        final Activation activation;
        final double keep; // dropout's retain probability
        final long weights; // offset of W (nIn × nOut, column-major) in the flat arrays; b follows
        FloatBuffer z; // pre-activation (dense) or the stage's input (activation), per example rows
        FloatBuffer a; // the stage's output
        FloatPointer aPointer;
        float[] mask = new float[0];

        Stage(Kind kind, int in, int out, Activation activation, double keep, long weights) {
            this.kind = kind;
            this.in = in;
            this.out = out;
            this.activation = activation;
            this.keep = keep;
            this.weights = weights;
        }
    }

    /** The activations the fused pass computes itself. */
    private enum Activation { IDENTITY, RELU, LEAKY_RELU, TANH, SIGMOID, SOFTMAX }

    private enum Loss { CROSS_ENTROPY, MSE }

    private final MultiLayerNetwork net;
    private final Stage[] stages;
    private final Loss loss;
    private final boolean regularized;
    private final double leakyAlpha;
    private final Gradient gradient;
    private FlatStep step; // the optimiser's step over the flat arrays; null: DL4J's updater
    private Updater stepFor;
    private int capacity; // examples the buffers hold
    private FloatBuffer delta; // the gradient at the current stage's output
    private FloatBuffer deltaIn; // the gradient at its input
    private FloatPointer deltaPointer;
    private FloatPointer deltaInPointer;
    private float[] bias = new float[0];
    private float[] biasGradient = new float[0];

    private DenseStack(MultiLayerNetwork net, Stage[] stages, Loss loss, boolean regularized, double leakyAlpha) {
        this.net = net;
        this.stages = stages;
        this.loss = loss;
        this.regularized = regularized;
        this.leakyAlpha = leakyAlpha;
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
    public static DenseStack of(MultiLayerNetwork net) {
        try {
            return check(net);
        } catch (NotFusable e) {
            return null;
        }
    }

    private static DenseStack check(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        if (!Nd4j.getEnvironment().isCPU() || conf.getDataType() != DataType.FLOAT || !conf.getInputPreProcessors().isEmpty()
                || conf.getBackpropType() != BackpropType.Standard || !net.conf().isMiniBatch()
                || NativeFloats.of(net.params()) == null) {
            return null;
        }
        List<Stage> stages = new ArrayList<>();
        long offset = 0;
        int width = -1;
        boolean regularized = false;
        Double leaky = null;
        Loss loss = null;
        int n = net.getnLayers();
        for (int i = 0; i < n; i++) {
            Layer layer = net.getLayer(i);
            org.deeplearning4j.nn.conf.layers.Layer c = layer.conf().getLayer();
            if (c.getConstraints() != null && !c.getConstraints().isEmpty()) {
                return null;
            }
            boolean last = i == n - 1;
            if (c instanceof DropoutLayer d && !last && layer.numParams() == 0) {
                double keep = retainProbability(d);
                if (keep <= 0 || width < 0) {
                    return null;
                }
                stages.add(new Stage(Kind.DROPOUT, width, width, null, keep, -1));
            } else if (c instanceof ActivationLayer act && !last && layer.numParams() == 0 && width > 0) {
                Activation a = activation(act.getActivationFn(), false);
                if (a == null) {
                    return null;
                }
                leaky = leakyAlpha(act.getActivationFn(), leaky);
                stages.add(new Stage(Kind.ACTIVATION, width, width, a, 1, -1));
            } else if ((c.getClass() == DenseLayer.class && !last) || (c.getClass() == OutputLayer.class && last)) {
                BaseLayer dense = (BaseLayer) c;
                org.deeplearning4j.nn.conf.layers.FeedForwardLayer ff = (org.deeplearning4j.nn.conf.layers.FeedForwardLayer) c;
                boolean plain = dense.getIDropout() == null && dense.getWeightNoise() == null
                        && !(c instanceof DenseLayer dl && Boolean.TRUE.equals(dl.hasLayerNorm()))
                        && (!(c instanceof DenseLayer dl2) || dl2.hasBias())
                        && (!(c instanceof OutputLayer ol) || ol.hasBias());
                if (!plain || (width >= 0 && ff.getNIn() != width) || ff.getNIn() > Integer.MAX_VALUE
                        || ff.getNOut() > Integer.MAX_VALUE) {
                    return null;
                }
                Activation a = activation(dense.getActivationFn(), last);
                if (a == null) {
                    return null;
                }
                leaky = leakyAlpha(dense.getActivationFn(), leaky);
                if (last) {
                    loss = loss(((OutputLayer) c).getLossFn(), a);
                    if (loss == null) {
                        return null;
                    }
                }
                regularized |= !dense.getRegularization().isEmpty() || !dense.getRegularizationBias().isEmpty();
                int in = (int) ff.getNIn();
                int out = (int) ff.getNOut();
                if (layer.numParams() != (long) in * out + out) {
                    return null;
                }
                stages.add(new Stage(Kind.DENSE, in, out, a, 1, offset));
                offset += layer.numParams();
                width = out;
            } else {
                return null;
            }
        }
        if (loss == null || offset != net.numParams()) {
            return null;
        }
        return new DenseStack(net, stages.toArray(Stage[]::new), loss, regularized, leaky == null ? 0 : leaky);
    }

    private static double retainProbability(DropoutLayer layer) {
        if (layer.getIDropout() instanceof CpuDropout d) {
            return d.retain();
        }
        if (layer.getIDropout() != null && layer.getIDropout().getClass() == Dropout.class
                && ((Dropout) layer.getIDropout()).getPSchedule() == null) {
            return -1; // DL4J's own mask draws from ND4J's generator element by element: not reproducible here
        }
        return layer.getIDropout() == null ? 1 : -1;
    }

    private static Activation activation(IActivation fn, boolean output) {
        if (fn instanceof ActivationReLU relu) {
            return relu.getMax() == null && relu.getThreshold() == null && relu.getNegativeSlope() == null
                    ? Activation.RELU : null;
        }
        if (fn instanceof ActivationIdentity) {
            return Activation.IDENTITY;
        }
        if (fn instanceof ActivationTanH) {
            return Activation.TANH;
        }
        if (fn instanceof ActivationSigmoid) {
            return Activation.SIGMOID;
        }
        if (fn instanceof ActivationLReLU) {
            return Activation.LEAKY_RELU;
        }
        if (fn instanceof ActivationSoftmax && output) {
            return Activation.SOFTMAX;
        }
        return null;
    }

    // One slope for the whole network keeps the kernels simple; two different slopes take DL4J's path.
    private static Double leakyAlpha(IActivation fn, Double before) {
        if (!(fn instanceof ActivationLReLU l)) {
            return before;
        }
        double alpha = l.getAlpha();
        if (before != null && before != alpha) {
            throw new NotFusable();
        }
        return alpha;
    }

    private static Loss loss(ILossFunction fn, Activation output) {
        if (fn instanceof LossMCXENT x && output == Activation.SOFTMAX && x.getWeights() == null) {
            return Loss.CROSS_ENTROPY; // LossNegativeLogLikelihood is a LossMCXENT
        }
        if (fn.getClass() == LossMSE.class && output == Activation.IDENTITY && ((LossMSE) fn).getWeights() == null) {
            return Loss.MSE;
        }
        return null;
    }

    /** Thrown while checking a network whose layers the fused path does not cover. */
    private static final class NotFusable extends RuntimeException {
        NotFusable() {
            super(null, null, false, false);
        }
    }

    /**
     * One training step on a minibatch, as {@code net.fit(features, labels)} does it: forward,
     * backward, DL4J's updater, the parameter update, the iteration count and the score.
     */
    public void fit(INDArray features, INDArray labels) {
        int examples = (int) features.size(0);
        FloatPointer x = input(features);
        reserve(examples);
        forward(x, examples, true);
        double score = backward(x, labels, examples);
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
            INDArray params = net.params();
            params.subi(net.getFlattenedGradients().reshape(params.shape()));
        }
        net.setIterationCount(iteration + 1);
        net.setScore(score);
    }

    /** The network's output for {@code features} in inference mode: the output layer's activations. */
    public INDArray output(INDArray features) {
        int examples = (int) features.size(0);
        FloatPointer x = input(features);
        reserve(examples);
        forward(x, examples, false);
        Stage last = stages[stages.length - 1];
        INDArray out = Nd4j.createUninitializedDetached(DataType.FLOAT, examples, last.out);
        org.bytedeco.javacpp.Pointer.memcpy(NativeFloats.of(out), last.aPointer, (long) examples * last.out * Float.BYTES);
        return out;
    }

    private FloatPointer input(INDArray features) {
        INDArray x = features.dataType() == DataType.FLOAT ? features : features.castTo(DataType.FLOAT);
        if (x.rank() != 2 || x.size(1) != stages[0].in) {
            x = x.reshape('c', x.size(0), stages[0].in);
        }
        FloatPointer p = NativeFloats.of(x);
        if (p == null) {
            x = x.dup('c');
            p = NativeFloats.of(x);
        }
        return p;
    }

    private void reserve(int examples) {
        if (examples <= capacity) {
            return;
        }
        int widest = 0;
        for (Stage s : stages) {
            s.z = floats((long) examples * s.out);
            s.a = s.kind == Kind.DENSE && s.activation == Activation.IDENTITY && s != stages[stages.length - 1]
                    ? s.z : floats((long) examples * s.out);
            s.aPointer = new FloatPointer(s.a);
            widest = Math.max(widest, Math.max(s.in, s.out));
        }
        delta = floats((long) examples * widest);
        deltaIn = floats((long) examples * widest);
        deltaPointer = new FloatPointer(delta);
        deltaInPointer = new FloatPointer(deltaIn);
        capacity = examples;
    }

    private static FloatBuffer floats(long n) {
        return ByteBuffer.allocateDirect(Math.toIntExact(n * Float.BYTES)).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private FloatPointer params() {
        return NativeFloats.of(net.params());
    }

    private static FloatPointer at(FloatPointer base, long offset) {
        return new FloatPointer(base).position(base.position() + offset);
    }

    private void forward(FloatPointer x, int examples, boolean training) {
        FloatPointer params = params();
        FloatPointer in = x;
        FloatBuffer inValues = null;
        for (Stage s : stages) {
            switch (s.kind) {
                case DENSE -> {
                    // z = x·W with W stored column-major (nIn × nOut): row-major Wᵀ, hence the transpose
                    FloatPointer z = new FloatPointer(s.z);
                    openblas_nolapack.cblas_sgemm(ROW, NO, TRANS, examples, s.out, s.in, 1f, in, s.in,
                            at(params, s.weights), s.in, 0f, z, s.out);
                    if (bias.length < s.out) {
                        bias = new float[s.out];
                    }
                    NativeFloats.get(params, s.weights + (long) s.in * s.out, bias, s.out);
                    addBiasAndActivate(s, examples);
                }
                case DROPOUT -> {
                    if (training) {
                        int n = examples * s.out;
                        if (s.mask.length < n) {
                            s.mask = new float[n];
                        }
                        // As CpuDropout: one seed from ND4J's generator per application, then a hash per element
                        CpuDropout.fillMask(s.mask, 0, n, Nd4j.getRandom().nextLong(), s.keep);
                        for (int i = 0; i < n; i++) {
                            s.a.put(i, inValues.get(i) * s.mask[i]);
                        }
                    } else {
                        copy(inValues, s.a, examples * s.out);
                    }
                }
                case ACTIVATION -> {
                    copy(inValues, s.z, examples * s.out);
                    activate(s.activation, s.z, s.a, examples * s.out);
                }
            }
            in = s.aPointer;
            inValues = s.a;
        }
    }

    private static void copy(FloatBuffer from, FloatBuffer to, int n) {
        to.clear();
        to.put(from.duplicate().position(0).limit(n));
        to.clear();
    }

    private void addBiasAndActivate(Stage s, int examples) {
        FloatBuffer z = s.z;
        int width = s.out;
        for (int r = 0; r < examples; r++) {
            int base = r * width;
            for (int j = 0; j < width; j++) {
                z.put(base + j, z.get(base + j) + bias[j]);
            }
        }
        if (s.activation == Activation.SOFTMAX) {
            softmax(z, s.a, examples, width);
        } else if (s.a != s.z || s.activation != Activation.IDENTITY) {
            activate(s.activation, z, s.a, examples * width);
        }
    }

    private void activate(Activation act, FloatBuffer z, FloatBuffer a, int n) {
        switch (act) {
            case IDENTITY -> {
                if (a != z) {
                    copy(z, a, n);
                }
            }
            case RELU -> {
                for (int i = 0; i < n; i++) {
                    float v = z.get(i);
                    a.put(i, v > 0 ? v : 0f);
                }
            }
            case LEAKY_RELU -> {
                float alpha = (float) leakyAlpha;
                for (int i = 0; i < n; i++) {
                    float v = z.get(i);
                    a.put(i, v < 0 ? v * alpha : v);
                }
            }
            case TANH -> {
                for (int i = 0; i < n; i++) {
                    a.put(i, (float) Math.tanh(z.get(i)));
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++) {
                    a.put(i, (float) (1 / (1 + Math.exp(-z.get(i)))));
                }
            }
            case SOFTMAX -> throw new IllegalStateException("softmax is the output layer's");
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

    /** Writes the gradients into the network's gradient view; returns the minibatch's mean loss. */
    private double backward(FloatPointer x, INDArray labelArray, int examples) {
        Stage last = stages[stages.length - 1];
        INDArray y = labelArray.dataType() == DataType.FLOAT ? labelArray : labelArray.castTo(DataType.FLOAT);
        if (y.rank() != 2 || y.size(0) != examples || y.size(1) != last.out) {
            throw new IllegalArgumentException("labels of shape " + java.util.Arrays.toString(y.shape())
                    + ", expected [" + examples + ", " + last.out + "]");
        }
        FloatPointer yp = NativeFloats.of(y);
        if (yp == null) {
            y = y.dup('c');
            yp = NativeFloats.of(y);
        }
        FloatBuffer labels = new FloatPointer(yp).limit(yp.position() + (long) examples * last.out).asBuffer();
        double score = lossAndDelta(last, labels, examples);

        FloatPointer params = params();
        FloatPointer grads = NativeFloats.of(net.getFlattenedGradients());
        for (int i = stages.length - 1; i >= 0; i--) {
            Stage s = stages[i];
            boolean first = i == 0;
            switch (s.kind) {
                case DENSE -> {
                    if (s != last) {
                        activationGradient(s.activation, s.z, s.a, delta, examples * s.out);
                    }
                    FloatPointer input = first ? x : stages[i - 1].aPointer;
                    // dWᵀ (nOut × nIn, row-major: W's column-major layout) = δᵀ·x
                    openblas_nolapack.cblas_sgemm(ROW, TRANS, NO, s.out, s.in, examples, 1f, deltaPointer, s.out,
                            input, s.in, 0f, at(grads, s.weights), s.in);
                    biasGradient(s, examples, grads);
                    if (!first) { // the first layer's input gradient would only be thrown away
                        openblas_nolapack.cblas_sgemm(ROW, NO, NO, examples, s.in, s.out, 1f, deltaPointer, s.out,
                                at(params, s.weights), s.in, 0f, deltaInPointer, s.in);
                        swapDeltas();
                    }
                }
                case DROPOUT -> {
                    int n = examples * s.out;
                    for (int k = 0; k < n; k++) {
                        delta.put(k, delta.get(k) * s.mask[k]);
                    }
                }
                case ACTIVATION -> activationGradient(s.activation, s.z, s.a, delta, examples * s.out);
            }
        }
        return score;
    }

    private void swapDeltas() {
        FloatBuffer b = delta;
        delta = deltaIn;
        deltaIn = b;
        FloatPointer p = deltaPointer;
        deltaPointer = deltaInPointer;
        deltaInPointer = p;
    }

    /** The output layer's δ (as DL4J's loss functions give it: not yet divided by the examples) and the mean loss. */
    private double lossAndDelta(Stage last, FloatBuffer labels, int examples) {
        int width = last.out;
        FloatBuffer out = last.a;
        double total = 0;
        if (loss == Loss.CROSS_ENTROPY) {
            // DL4J clips the probabilities to [1e-10, 1 - 1e-10] for the score, not for the gradient
            for (int r = 0; r < examples; r++) {
                int base = r * width;
                for (int j = 0; j < width; j++) {
                    float p = out.get(base + j);
                    float t = labels.get(base + j);
                    if (t != 0) {
                        total -= t * Math.log(Math.min(Math.max(p, 1e-10), 1 - 1e-10));
                    }
                    delta.put(base + j, p - t);
                }
            }
        } else {
            for (int r = 0; r < examples; r++) {
                int base = r * width;
                for (int j = 0; j < width; j++) {
                    float d = out.get(base + j) - labels.get(base + j);
                    total += (double) d * d / width;
                    delta.put(base + j, 2 * d / width);
                }
            }
        }
        return total / examples;
    }

    private void activationGradient(Activation act, FloatBuffer z, FloatBuffer a, FloatBuffer d, int n) {
        switch (act) {
            case IDENTITY -> {
            }
            case RELU -> {
                for (int i = 0; i < n; i++) {
                    if (!(z.get(i) > 0)) {
                        d.put(i, 0f);
                    }
                }
            }
            case LEAKY_RELU -> {
                float alpha = (float) leakyAlpha;
                for (int i = 0; i < n; i++) {
                    if (z.get(i) < 0) {
                        d.put(i, d.get(i) * alpha);
                    }
                }
            }
            case TANH -> {
                for (int i = 0; i < n; i++) {
                    float t = a.get(i);
                    d.put(i, d.get(i) * (1 - t * t));
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++) {
                    float s = a.get(i);
                    d.put(i, d.get(i) * s * (1 - s));
                }
            }
            case SOFTMAX -> throw new IllegalStateException("softmax is the output layer's");
        }
    }

    private void biasGradient(Stage s, int examples, FloatPointer grads) {
        int width = s.out;
        if (biasGradient.length < width) {
            biasGradient = new float[width];
        }
        java.util.Arrays.fill(biasGradient, 0, width, 0f);
        for (int r = 0; r < examples; r++) {
            int base = r * width;
            for (int j = 0; j < width; j++) {
                biasGradient[j] += delta.get(base + j);
            }
        }
        NativeFloats.put(biasGradient, width, grads, s.weights + (long) s.in * width);
    }
}
