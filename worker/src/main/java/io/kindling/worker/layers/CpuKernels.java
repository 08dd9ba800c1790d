package io.kindling.worker.layers;

import java.util.function.BiFunction;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Kindling's Java kernels and layer variants, put in place of DL4J's where those are slow on the CPU
 * backend: pooling, dense layers that keep their pre-activation, convolutions that keep their ReLU
 * output, a first convolution that skips the input gradient, ReLU's backward, dropout.
 */
public final class CpuKernels {
    private CpuKernels() {
    }

    /**
     * Installs them into {@code net} right after {@code init()}. The network's configuration is
     * changed: call it only on a network whose parameters are read back, never on one that is saved.
     * The network's gradient with respect to its input reads as zeros ({@code fit()} never reads it).
     */
    public static void install(MultiLayerNetwork net) {
        if (!Nd4j.getEnvironment().isCPU()) {
            return;
        }
        CpuPooling.install(net);
        CachedDense.install(net);
        CpuConvolution.install(net);
        CpuRelu.install(net);
        CpuDropout.install(net);
    }

    /**
     * Puts {@code replacement}'s layer in place of each of {@code net}'s layers of exactly class
     * {@code type}, with its index, listeners and cache mode ({@code replacement} gets the old layer,
     * whose {@code getIndex()} is its position). Call it right after {@code init()}, before the
     * updater refers to layers. (DL4J's by-name lookup, {@code net.getLayer(String)}, keeps the old
     * instance; Kindling goes by index.)
     */
    static <T extends Layer> void replaceLayers(MultiLayerNetwork net, Class<T> type,
            BiFunction<T, DataType, Layer> replacement) {
        Layer[] layers = net.getLayers().clone();
        for (int i = 0; i < layers.length; i++) {
            if (layers[i].getClass() == type) {
                Layer swapped = replacement.apply(type.cast(layers[i]), net.getLayerWiseConfigurations().getDataType());
                swapped.setIndex(i);
                swapped.setListeners(layers[i].getListeners());
                swapped.setCacheMode(net.getLayerWiseConfigurations().getCacheMode());
                layers[i] = swapped;
            }
        }
        net.setLayers(layers);
    }

    /** Gives {@code replacement} the parameter and gradient views of {@code old}, a layer of the same configuration. */
    static Layer sharingParameters(Layer old, Layer replacement) {
        replacement.setParamsViewArray(old.params());
        replacement.setParamTable(old.paramTable());
        if (old.getGradientsViewArray() != null) { // created by the first fit otherwise, on the new layer
            replacement.setBackpropGradientsViewArray(old.getGradientsViewArray());
        }
        return replacement;
    }
}
