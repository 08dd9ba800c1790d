package io.kindling.worker;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The native memory behind a float array on the CPU backend, for bulk copies with one memcpy: ND4J's
 * own element accessors ({@code DataBuffer.setData}, {@code asFloat}) go element by element.
 */
public final class NativeFloats {
    private NativeFloats() {
    }

    /**
     * The pointer to {@code a}'s values in row-major order, when {@code a} is a float array laid out
     * densely in 'c' order over all of its data buffer, on the CPU backend; otherwise null (CUDA keeps
     * host and device copies in sync, and strided views or other layouts go through ND4J). A
     * contiguous view, such as an interval of a flat array, qualifies: ND4J gives it a buffer of its
     * own length whose address is that of its first value.
     */
    public static FloatPointer of(INDArray a) {
        boolean dense = a.dataType() == DataType.FLOAT && a.length() == a.data().length() && a.elementWiseStride() == 1
                && (a.isVector() || rowMajor(a));
        if (!dense || !Nd4j.getEnvironment().isCPU()) {
            return null;
        }
        return a.data().addressPointer() instanceof FloatPointer p ? p : null;
    }

    // Row-major strides, whatever those of dimensions of size 1 are (ND4J's own check rejects [6, 1, 28, 28])
    private static boolean rowMajor(INDArray a) {
        long expected = 1;
        for (int d = a.rank() - 1; d >= 0; d--) {
            if (a.size(d) != 1 && a.stride(d) != expected) {
                return false;
            }
            expected *= a.size(d);
        }
        return true;
    }

    /** Copies {@code n} values from {@code p}, starting {@code from} values in, into the start of {@code into}. */
    public static void get(FloatPointer p, long from, float[] into, int n) {
        new FloatPointer(p).position(p.position() + from).get(into, 0, n);
    }

    /** Copies the first {@code n} values of {@code from} into {@code p}, starting {@code at} values in. */
    public static void put(float[] from, int n, FloatPointer p, long at) {
        new FloatPointer(p).position(p.position() + at).put(from, 0, n);
    }
}
