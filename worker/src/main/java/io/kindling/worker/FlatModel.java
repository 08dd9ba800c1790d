package io.kindling.worker;

import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A network's parameters and updater state as flat float arrays, for the driver's copies of a model.
 * Copies go into the network's own views, so its layers see them at once.
 */
public final class FlatModel {
    private FlatModel() {
    }

    public static void setParams(MultiLayerNetwork net, float[] params) {
        copyInto(net.params(), params);
    }

    /** The network's parameters, copied out. */
    public static float[] params(MultiLayerNetwork net) {
        return copyOf(net.params());
    }

    /** The updater state (empty for plain SGD, which keeps none); creates the updater if needed. */
    public static float[] updaterState(MultiLayerNetwork net) {
        INDArray view = net.getUpdater().getStateViewArray();
        return view == null ? new float[0] : copyOf(view);
    }

    public static void setUpdaterState(MultiLayerNetwork net, float[] state) {
        INDArray view = net.getUpdater().getStateViewArray();
        if (view != null) {
            copyInto(view, state);
        }
    }

    private static void copyInto(INDArray view, float[] values) {
        if (values.length != view.length()) {
            throw new IllegalArgumentException("expected " + view.length() + " values, got " + values.length);
        }
        // The flat arrays own their whole buffer: on the CPU backend one memcpy, where ND4J's element-wise
        // copies took 15-45 ms per 14 MB load (twice per averaging round for the MNIST CNN with Adadelta).
        FloatPointer target = NativeFloats.of(view);
        if (target != null) {
            target.put(values, 0, values.length);
        } else {
            view.assign(Nd4j.create(values, view.shape(), 'c'));
        }
    }

    private static float[] copyOf(INDArray view) {
        FloatPointer source = NativeFloats.of(view);
        if (source == null) {
            return view.toFloatVector();
        }
        float[] values = new float[(int) view.length()];
        source.get(values, 0, values.length);
        return values;
    }
}
