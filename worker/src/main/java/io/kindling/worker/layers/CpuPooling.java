package io.kindling.worker.layers;

import io.kindling.worker.KernelThreads;
import io.kindling.worker.NativeFloats;
import java.lang.ref.Reference;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's pooling layer, with forward and backward computed in Java for the common case on the CPU
 * backend: float NCHW, max or average, 2 × 2 windows with stride 2 (PyTorch's {@code MaxPool2d(2)},
 * the pooling of every model in Kindling's zoo).
 * There oneDNN 2.3 (ND4J M2.1) only has its plain NCHW pooling, and ND4J's backward recomputes the
 * forward: that took about a fifth of the MNIST CNN's training time. Max pooling's training forward
 * records each window's argmax (a byte), so the backward reads neither the input nor compares
 * again. Any other case, and every other
 * backend, runs DL4J's own code. The configuration stays DL4J's {@code SubsamplingLayer}, so saved
 * models load in plain DL4J.
 */
public final class CpuPooling extends SubsamplingLayer {
    private static final int CHUNK_FLOATS = 1 << 18;
    private static final int[] TWO = {2, 2};
    // Reused between calls, one pair per part of a kernel split over the task's threads: a network
    // runs on one task thread at a time.
    private float[][] ins = new float[0][];
    private float[][] outs = new float[0][];
    // Which value of each window was the maximum, from the last training forward pass, for the input it saw
    private byte[] argmax = new byte[0];
    private INDArray argmaxFor;

    CpuPooling(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Puts this layer in place of each of {@code net}'s pooling layers (they hold no parameters). */
    static void install(MultiLayerNetwork net) {
        CpuKernels.replaceLayers(net, SubsamplingLayer.class, (old, dataType) -> new CpuPooling(old.conf(), dataType));
    }

    /** Whether this input takes the Java path rather than DL4J's. */
    boolean fast(INDArray x) {
        return dataType == DataType.FLOAT && x.dataType() == DataType.FLOAT && x.rank() == 4
                && x.size(1) * x.size(2) * x.size(3) <= Integer.MAX_VALUE / 2
                && handles(layerConf(), convolutionMode, x.size(2), x.size(3));
    }

    /**
     * Whether {@link PoolingKernels} compute this pooling on h × w NCHW planes: max or average, 2 × 2
     * windows with stride 2, no padding or dilation, and sizes the convolution mode accepts.
     */
    static boolean handles(org.deeplearning4j.nn.conf.layers.SubsamplingLayer c, ConvolutionMode mode, long h, long w) {
        boolean simple = c.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && (c.getPoolingType() == PoolingType.MAX || c.getPoolingType() == PoolingType.AVG)
                && Arrays.equals(c.getKernelSize(), TWO) && Arrays.equals(c.getStride(), TWO)
                && Arrays.equals(c.getPadding(), new int[] {0, 0}) && Arrays.equals(c.getDilation(), new int[] {1, 1});
        return simple && h >= 2 && w >= 2
                && (mode == ConvolutionMode.Truncate || mode == ConvolutionMode.Strict && h % 2 == 0 && w % 2 == 0);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (!fast(input)) {
            return super.activate(training, workspaceMgr);
        }
        long[] s = input.shape();
        INDArray y = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {s[0], s[1], s[2] / 2, s[3] / 2}, 'c');
        INDArray xd = dense(input);
        FloatPointer x = NativeFloats.of(xd);
        FloatPointer yp = NativeFloats.of(y);
        boolean max = layerConf().getPoolingType() == PoolingType.MAX;
        int parts = KernelThreads.parts(s[0], 1);
        Chunks c = chunks(s, parts);
        boolean keep = max && training && s[0] * c.outPerExample() <= Integer.MAX_VALUE;
        if (keep && argmax.length < s[0] * c.outPerExample()) {
            argmax = new byte[(int) (s[0] * c.outPerExample())];
        }
        argmaxFor = keep ? input : null;
        forChunks(s[0], parts, c, (in, out, n0, m) -> {
            NativeFloats.get(x, n0 * c.inPerExample(), in, m * c.inPerExample());
            if (keep) {
                PoolingKernels.maxForward(in, out, argmax, (int) (n0 * c.outPerExample()), m * c.channels(), c.h(), c.w());
            } else if (max) {
                PoolingKernels.maxForward(in, out, m * c.channels(), c.h(), c.w());
            } else {
                PoolingKernels.avgForward(in, out, m * c.channels(), c.h(), c.w());
            }
            NativeFloats.put(out, m * c.outPerExample(), yp, n0 * c.outPerExample());
        });
        Reference.reachabilityFence(xd); // a copy's memory is freed once the copy is unreachable
        return y;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        long[] s = input.shape();
        if (!fast(input) || epsilon.dataType() != DataType.FLOAT
                || !Arrays.equals(epsilon.shape(), new long[] {s[0], s[1], s[2] / 2, s[3] / 2})) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, s, 'c');
        boolean max = layerConf().getPoolingType() == PoolingType.MAX;
        boolean kept = max && argmaxFor == input;
        argmaxFor = null;
        INDArray xd = max && !kept ? dense(input) : null;
        INDArray dyd = dense(epsilon);
        FloatPointer x = xd != null ? NativeFloats.of(xd) : null;
        FloatPointer dy = NativeFloats.of(dyd);
        FloatPointer dxp = NativeFloats.of(dx);
        int parts = KernelThreads.parts(s[0], 1);
        Chunks c = chunks(s, parts);
        forChunks(s[0], parts, c, (in, out, n0, m) -> {
            NativeFloats.get(dy, n0 * c.outPerExample(), out, m * c.outPerExample());
            if (kept) {
                PoolingKernels.maxBackward(argmax, (int) (n0 * c.outPerExample()), out, in, m * c.channels(), c.h(), c.w());
            } else if (max) {
                NativeFloats.get(x, n0 * c.inPerExample(), in, m * c.inPerExample());
                PoolingKernels.maxBackwardInPlace(in, out, m * c.channels(), c.h(), c.w());
            } else {
                PoolingKernels.avgBackward(out, in, m * c.channels(), c.h(), c.w());
            }
            NativeFloats.put(in, m * c.inPerExample(), dxp, n0 * c.inPerExample());
        });
        Reference.reachabilityFence(xd);
        Reference.reachabilityFence(dyd);
        return new Pair<>(new DefaultGradient(), dx);
    }

    @Override
    public void clear() {
        argmaxFor = null;
        super.clear();
    }

    /** One chunk: {@code m} examples from {@code n0} on, with this part's Java arrays. */
    @FunctionalInterface
    private interface Chunk {
        void run(float[] in, float[] out, long n0, int m);
    }

    // The examples split over the task's threads, each part going through its own arrays a chunk at a time.
    private void forChunks(long examples, int parts, Chunks c, Chunk chunk) {
        KernelThreads.run(examples, parts, (p, from, to) -> {
            for (long n0 = from; n0 < to; n0 += c.examples()) {
                chunk.run(ins[p], outs[p], n0, (int) Math.min(c.examples(), to - n0));
            }
        });
    }

    // On the CPU backend every float array's memory is reachable, at worst through a dense copy.
    private static INDArray dense(INDArray a) {
        return NativeFloats.of(a) != null ? a : a.dup('c');
    }

    /** How a minibatch of {@code shape} goes through the Java arrays: a few examples at a time. */
    private record Chunks(int channels, int h, int w, int inPerExample, int outPerExample, int examples) {
    }

    // Chunks keep the Java arrays small whatever the batch size (evaluation batches are often 1000).
    private Chunks chunks(long[] shape, int parts) {
        int channels = (int) shape[1];
        int h = (int) shape[2];
        int w = (int) shape[3];
        Chunks c = new Chunks(channels, h, w, channels * h * w, channels * (h / 2) * (w / 2),
                Math.max(1, CHUNK_FLOATS / (channels * h * w)));
        if (ins.length < parts) {
            ins = Arrays.copyOf(ins, parts);
            outs = Arrays.copyOf(outs, parts);
        }
        for (int p = 0; p < parts; p++) {
            if (ins[p] == null || ins[p].length < c.examples() * c.inPerExample()) {
                ins[p] = new float[c.examples() * c.inPerExample()];
            }
            if (outs[p] == null || outs[p].length < c.examples() * c.outPerExample()) {
                outs[p] = new float[c.examples() * c.outPerExample()];
            }
        }
        return c;
    }
}
