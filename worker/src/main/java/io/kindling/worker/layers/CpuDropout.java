package io.kindling.worker.layers;

import io.kindling.worker.KernelThreads;
import io.kindling.worker.NativeFloats;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inverted dropout (PyTorch's {@code nn.Dropout}) computed in Java on the CPU backend: DL4J's fills
 * a mask array, draws it with ND4J's per-element random op and multiplies in a second op, which
 * took 4 % of the MNIST CNN's training time. Here the mask comes from a counter-based hash of the
 * element's index and a seed drawn from ND4J's random generator, so a seeded run still repeats
 * exactly. Any other case (another data type, a strided array) goes to DL4J's {@link Dropout}.
 * <p>
 * Like {@link CpuRelu}, it goes into a worker's network at run time ({@link #install}); saved
 * configurations keep DL4J's {@code Dropout}.
 */
public final class CpuDropout implements IDropout {
    private static final int CHUNK = 1 << 14;
    private final Dropout dl4j;
    // The last forward's multipliers (0 or 1/p), until its backward; a network runs on one thread.
    private transient float[] mask;
    private transient long masked = -1;
    private transient boolean delegated;
    private transient float[][] values; // a chunk per part of a kernel split over the task's threads

    CpuDropout(Dropout dl4j) {
        this.dl4j = dl4j;
    }

    /**
     * Puts this in place of each fixed-probability {@link Dropout} in {@code net}'s layer
     * configurations. The configuration is changed: see {@link CpuKernels}.
     */
    static void install(MultiLayerNetwork net) {
        for (Layer layer : net.getLayers()) {
            org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
            if (conf.getIDropout() != null && conf.getIDropout().getClass() == Dropout.class
                    && ((Dropout) conf.getIDropout()).getPSchedule() == null) {
                conf.setIDropout(new CpuDropout((Dropout) conf.getIDropout()));
            }
        }
    }

    /** The probability of keeping an element (DL4J's p; PyTorch's is 1 − p). */
    double retain() {
        return dl4j.getP();
    }

    @Override
    public INDArray applyDropout(INDArray input, INDArray output, int iteration, int epoch, LayerWorkspaceMgr mgr) {
        FloatPointer in = NativeFloats.of(input);
        FloatPointer out = NativeFloats.of(output);
        delegated = in == null || out == null || !Arrays.equals(input.shape(), output.shape())
                || input.length() > Integer.MAX_VALUE;
        if (delegated) {
            masked = -1;
            return dl4j.applyDropout(input, output, iteration, epoch, mgr);
        }
        int n = (int) input.length();
        if (mask == null || mask.length < n) {
            mask = new float[n];
        }
        long seed = Nd4j.getRandom().nextLong();
        double keep = dl4j.getP();
        int parts = KernelThreads.parts(n, CHUNK);
        scratch(parts);
        KernelThreads.run(n, parts, (p, from, to) -> {
            fillMask(mask, (int) from, (int) to, seed, keep);
            multiply(in, out, (int) from, (int) to, values[p]);
        });
        masked = n;
        return output;
    }

    @Override
    public INDArray backprop(INDArray gradAtOutput, INDArray gradAtInput, int iteration, int epoch) {
        if (delegated) {
            return dl4j.backprop(gradAtOutput, gradAtInput, iteration, epoch);
        }
        if (masked < 0) {
            throw new IllegalStateException("Cannot perform backprop: Dropout mask array is absent (already cleared?)");
        }
        if (gradAtOutput.length() != masked || gradAtInput.length() != masked) {
            throw new IllegalStateException("Dropout backprop: gradients of " + gradAtOutput.length() + " and "
                    + gradAtInput.length() + " values for a mask of " + masked);
        }
        FloatPointer dy = NativeFloats.of(gradAtOutput);
        FloatPointer dx = NativeFloats.of(gradAtInput);
        if (dy != null && dx != null) {
            int n = (int) masked;
            int parts = KernelThreads.parts(n, CHUNK);
            scratch(parts);
            KernelThreads.run(n, parts, (p, from, to) -> multiply(dy, dx, (int) from, (int) to, values[p]));
        } else {
            INDArray m = Nd4j.create(Arrays.copyOf(mask, (int) masked), gradAtOutput.shape(), 'c');
            gradAtInput.assign(gradAtOutput.mul(m.castTo(gradAtOutput.dataType())));
        }
        masked = -1;
        return gradAtInput;
    }

    private void scratch(int parts) {
        if (values == null || values.length < parts) {
            values = new float[parts][CHUNK];
        }
    }

    // to[i] = from[i] * mask[i] for start <= i < end, a chunk at a time; from and to may be the same memory.
    private void multiply(FloatPointer from, FloatPointer to, int start, int end, float[] chunk) {
        for (int i0 = start; i0 < end; i0 += CHUNK) {
            int m = Math.min(CHUNK, end - i0);
            NativeFloats.get(from, i0, chunk, m);
            for (int i = 0; i < m; i++) {
                chunk[i] *= mask[i0 + i];
            }
            NativeFloats.put(chunk, m, to, i0);
        }
    }

    /**
     * Fills multipliers {@code from} to {@code to} - 1: 1/p with probability p (DL4J's retain probability), else
     * 0. Element i keeps when the top 24 bits of a 32-bit mix (MurmurHash3's finaliser) of i and the
     * seed fall below p·2²⁴.
     */
    static void fillMask(float[] mask, int from, int to, long seed, double p) {
        int threshold = (int) Math.round(p * (1 << 24));
        float scale = (float) (1.0 / p);
        int offset = (int) seed;
        int salt = (int) (seed >>> 32);
        for (int i = from; i < to; i++) {
            int x = (i + offset) * 0x9E3779B9 ^ salt;
            x ^= x >>> 16;
            x *= 0x85EBCA6B;
            x ^= x >>> 13;
            x *= 0xC2B2AE35;
            x ^= x >>> 16;
            mask[i] = scale * (((x >>> 8) - threshold) >>> 31); // no branch: it would mispredict
        }
    }

    @Override
    public void clear() {
        masked = -1;
        dl4j.clear();
    }

    @Override
    public CpuDropout clone() {
        return new CpuDropout(dl4j.clone());
    }
}
