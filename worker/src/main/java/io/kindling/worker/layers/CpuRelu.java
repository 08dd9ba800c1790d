package io.kindling.worker.layers;

import io.kindling.worker.KernelThreads;
import io.kindling.worker.NativeFloats;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ReLU whose backward runs in Java on the CPU backend. ND4J's ({@code relu_bp}) calls a
 * {@code std::function} per element, which took a tenth of the MNIST CNN's training time; this
 * loop, on the values' bits, is vectorised by the JIT. The forward stays ND4J's.
 * <p>
 * It goes into the layer configurations of a worker's network at run time ({@link #install}),
 * never into a configuration that gets saved: saved models keep DL4J's {@code ActivationReLU}.
 */
public final class CpuRelu extends ActivationReLU {
    private static final int CHUNK = 1 << 14;
    // Reused between calls: a network runs on one thread at a time, and each network has its own.
    // One chunk per part of the loop split over the task's threads
    private transient int[][] x = new int[0][];
    private transient int[][] dy = new int[0][];

    /**
     * Puts this activation in place of plain ReLU (no cap, threshold or slope) in each layer of
     * {@code net}. The network's configuration is changed: see {@link CpuKernels}.
     */
    static void install(MultiLayerNetwork net) {
        for (Layer layer : net.getLayers()) {
            if (layer.conf().getLayer() instanceof BaseLayer conf && conf.getActivationFn() instanceof ActivationReLU relu
                    && relu.getClass() == ActivationReLU.class && relu.getMax() == null
                    && relu.getThreshold() == null && relu.getNegativeSlope() == null) {
                conf.setActivationFn(new CpuRelu());
            }
        }
    }

    /** dL/dz = dL/dy where z > 0, else 0 (NaN too), written into {@code in}, which DL4J allows. */
    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        FloatPointer z = in.dataType() == DataType.FLOAT ? NativeFloats.of(in) : null;
        FloatPointer e = epsilon.dataType() == DataType.FLOAT ? NativeFloats.of(epsilon) : null;
        if (z == null || e == null || !Arrays.equals(in.shape(), epsilon.shape())) {
            return super.backprop(in, epsilon);
        }
        long n = in.length();
        int parts = KernelThreads.parts(n, CHUNK);
        if (x == null || x.length < parts) {
            x = new int[parts][CHUNK];
            dy = new int[parts][CHUNK];
        }
        KernelThreads.run(n, parts, (p, start, end) -> {
            IntPointer zBits = new IntPointer(z);
            IntPointer eBits = new IntPointer(e);
            int[] zc = x[p];
            int[] ec = dy[p];
            for (long from = start; from < end; from += CHUNK) {
                int m = (int) Math.min(CHUNK, end - from);
                zBits.position(z.position() + from).get(zc, 0, m);
                eBits.position(e.position() + from).get(ec, 0, m);
                gradient(zc, ec, m);
                zBits.position(z.position() + from).put(zc, 0, m);
            }
        });
        return new Pair<>(in, null);
    }

    /**
     * Replaces each of the first {@code n} float bit patterns of {@code z} with that of {@code dy}
     * where z > 0, and with +0 elsewhere. Branch-free integer operations: the JIT vectorises them.
     */
    static void gradient(int[] z, int[] dy, int n) {
        for (int i = 0; i < n; i++) {
            int b = z[i];
            // Sign bit set exactly when 0 < b <= bits of +Infinity: a positive number, not NaN.
            int positive = -b & ~b & (b - 0x7f800001);
            z[i] = dy[i] & (positive >> 31);
        }
    }
}
