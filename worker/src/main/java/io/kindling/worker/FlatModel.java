package io.kindling.worker;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A network's parameters and updater state as the flat float arrays that travel between driver and
 * executors. Copies go into the network's own views, so its layers see them at once.
 */
public final class FlatModel {
    private FlatModel() {
    }

    public static void setParams(MultiLayerNetwork net, float[] params) {
        INDArray view = net.params();
        view.assign(Nd4j.create(params, view.shape(), 'c'));
    }

    /** The updater state (empty for plain SGD, which keeps none); creates the updater if needed. */
    public static float[] updaterState(MultiLayerNetwork net) {
        INDArray view = net.getUpdater().getStateViewArray();
        return view == null ? new float[0] : view.toFloatVector();
    }

    public static void setUpdaterState(MultiLayerNetwork net, float[] state) {
        INDArray view = net.getUpdater().getStateViewArray();
        if (view != null) {
            view.assign(Nd4j.create(state, view.shape(), 'c'));
        }
    }
}
