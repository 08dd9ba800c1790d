package io.kindling.worker.layers;

import io.kindling.worker.NativeFloats;
import java.lang.ref.Reference;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * DL4J's convolution layer as a network's first layer, whose backward pass computes the weight and
 * bias gradients only. DL4J always computes the gradient with respect to the input too, then
 * {@code fit()} discards it: for the MNIST CNN's 1 → 32 convolution, oneDNN's backward-data pass
 * and its layout reorders were most of the layer's backward time. Here the weight and bias gradients
 * are one matrix product of the output gradient with the input's patches, which are laid out in
 * Java (ND4J's {@code im2col} op was slower than the whole backward pass).
 * The input gradient reads as zeros.
 */
public final class FirstConvolution extends CpuConvolution {
    FirstConvolution(NeuralNetConfiguration conf, DataType dataType, boolean outputStaysIntact) {
        super(conf, dataType, outputStaysIntact);
    }

    private static final long MAX_COLUMN_FLOATS = 1 << 23;
    // Reused between calls: a network runs on one thread at a time.
    private float[] x = new float[0];
    private float[] columns = new float[0];
    private int[] zBits = new int[0];
    private int[] epsilonBits = new int[0];

    private boolean fast(INDArray input) {
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer c = layerConf();
        return getIndex() == 0 && dataType == DataType.FLOAT && input.rank() == 4
                && c.getCnn2dDataFormat() == CNN2DFormat.NCHW && c.getWeightNoise() == null;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (!fast(input)) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer c = layerConf();
        INDArray input = this.input.castTo(DataType.FLOAT);
        int[] kernel = c.getKernelSize();
        int[] strides = c.getStride();
        int[] dilation = c.getDilation();
        int[] pad;
        int[] outSize;
        if (convolutionMode == ConvolutionMode.Same) {
            outSize = ConvolutionUtils.getOutputSize(input, kernel, strides, null, convolutionMode, dilation, CNN2DFormat.NCHW);
            pad = ConvolutionUtils.getSameModeTopLeftPadding(outSize,
                    new int[] {(int) input.size(2), (int) input.size(3)}, kernel, strides, dilation);
        } else {
            pad = c.getPadding();
            outSize = ConvolutionUtils.getOutputSize(input, kernel, strides, pad, convolutionMode, dilation, CNN2DFormat.NCHW);
        }
        Im2col geometry = new Im2col(input.shape(), kernel, strides, pad, dilation, outSize);
        long rows = geometry.rows() + 1L;
        if (rows * geometry.cols() > MAX_COLUMN_FLOATS || input.length() > MAX_COLUMN_FLOATS) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        if (epsilon.dataType() != DataType.FLOAT) {
            epsilon = epsilon.castTo(DataType.FLOAT);
        }

        // The output gradient as a matrix: one row per output channel, one column per output position
        INDArray z = preOutput4d(true, true, workspaceMgr).getFirst(); // [examples, out, outH, outW]
        long outDepth = z.size(1);
        INDArray delta2d = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT,
                new long[] {outDepth, geometry.cols()}, 'c');
        if (!reluGradientByChannel(z, epsilon, delta2d)) {
            INDArray delta = c.getActivationFn().backprop(z, epsilon).getFirst();
            delta2d.reshape('c', outDepth, delta.size(0), delta.size(2), delta.size(3)).assign(delta.permute(1, 0, 2, 3));
        }

        // The input patches, one row per weight (channel, ky, kx) and a last row of ones for the bias
        if (x.length < input.length()) {
            x = new float[(int) input.length()];
        }
        if (columns.length < rows * geometry.cols()) {
            columns = new float[(int) (rows * geometry.cols())];
        }
        INDArray dense = NativeFloats.of(input) != null ? input : input.dup('c');
        NativeFloats.get(NativeFloats.of(dense), 0, x, (int) input.length());
        Reference.reachabilityFence(dense); // a copy's memory is freed once the copy is unreachable
        geometry.fill(x, columns);
        Arrays.fill(columns, geometry.rows() * geometry.cols(), (int) (rows * geometry.cols()), 1f);
        INDArray patches = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT,
                new long[] {rows, geometry.cols()}, 'c');
        NativeFloats.put(columns, (int) (rows * geometry.cols()), NativeFloats.of(patches), 0);
        INDArray product = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT,
                new long[] {outDepth, rows}, 'c');
        Nd4j.gemm(delta2d, patches, product, false, true, 1.0, 0.0);

        Gradient gradient = new DefaultGradient();
        INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY); // [out, in, kH, kW], c order
        Shape.newShapeNoCopy(weightGrad, new long[] {outDepth, rows - 1}, false)
                .assign(product.get(NDArrayIndex.all(), NDArrayIndex.interval(0, rows - 1)));
        if (c.hasBias()) {
            INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
            biasGrad.assign(product.getColumn(rows - 1).reshape(biasGrad.shape()));
            gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
        }
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
        INDArray inputGrad = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, this.input.shape(), 'c');
        return new Pair<>(gradient, inputGrad);
    }

    /**
     * With Kindling's ReLU, writes its backward straight into {@code delta2d}'s channel-major layout,
     * an example at a time, instead of DL4J's activation backward and then a transposing copy.
     */
    private boolean reluGradientByChannel(INDArray z, INDArray epsilon, INDArray delta2d) {
        FloatPointer zp = NativeFloats.of(z);
        FloatPointer ep = NativeFloats.of(epsilon);
        if (!(layerConf().getActivationFn() instanceof CpuRelu) || zp == null || ep == null
                || !Arrays.equals(z.shape(), epsilon.shape())) {
            return false;
        }
        int examples = (int) z.size(0);
        int channels = (int) z.size(1);
        int positions = (int) (z.size(2) * z.size(3));
        int perExample = channels * positions;
        if (zBits.length < perExample) {
            zBits = new int[perExample];
            epsilonBits = new int[perExample];
        }
        IntPointer zi = new IntPointer(zp);
        IntPointer ei = new IntPointer(ep);
        IntPointer di = new IntPointer(NativeFloats.of(delta2d));
        long base = di.position();
        for (int n = 0; n < examples; n++) {
            zi.position(zp.position() + (long) n * perExample).get(zBits, 0, perExample);
            ei.position(ep.position() + (long) n * perExample).get(epsilonBits, 0, perExample);
            CpuRelu.gradient(zBits, epsilonBits, perExample);
            for (int o = 0; o < channels; o++) {
                di.position(base + ((long) o * examples + n) * positions).put(zBits, o * positions, positions);
            }
        }
        return true;
    }
}
