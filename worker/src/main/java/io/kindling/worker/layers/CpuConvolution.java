package io.kindling.worker.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's convolution layer, which with Kindling's ReLU keeps its output for the backward pass
 * instead of a copy of its pre-activation. ReLU's gradient only asks whether z > 0, and that is
 * whether relu(z) > 0; DL4J's cache mode copies z (2.4 million values for the MNIST CNN's second
 * convolution) because the activation overwrites it. The output is the next layer's input, which
 * lives as long; DL4J's inverted dropout on it only zeroes values or scales them by a positive
 * factor, and a zeroed value's gradient is zero anyway. Other activations, and a next layer with
 * another kind of dropout, keep DL4J's behaviour.
 */
public class CpuConvolution extends ConvolutionLayer {
    private final IDropout nextDropout;
    private final boolean last;

    CpuConvolution(NeuralNetConfiguration conf, DataType dataType, Layer next) {
        super(conf, dataType);
        this.last = next == null;
        this.nextDropout = next == null ? null : next.conf().getLayer().getIDropout();
    }

    /** Puts this layer, or {@link FirstConvolution} as the first, in place of each of {@code net}'s convolutions. */
    static void install(MultiLayerNetwork net) {
        CpuKernels.replaceLayers(net, ConvolutionLayer.class, (old, dataType) -> {
            int i = old.getIndex();
            Layer next = i + 1 < net.getnLayers() ? net.getLayer(i + 1) : null;
            ConvolutionLayer swapped = i == 0 ? new FirstConvolution(old.conf(), dataType, next)
                    : new CpuConvolution(old.conf(), dataType, next);
            return CpuKernels.sharingParameters(old, swapped);
        });
    }

    private boolean keepsOutput(boolean training, LayerWorkspaceMgr workspaceMgr) {
        return training && layerConf().getActivationFn() instanceof CpuRelu
                && (nextDropout == null || nextDropout.getClass() == Dropout.class || nextDropout instanceof CpuDropout)
                && !last && cacheMode != null && cacheMode != CacheMode.NONE
                && workspaceMgr.hasConfiguration(ArrayType.FF_CACHE) && workspaceMgr.isWorkspaceOpen(ArrayType.FF_CACHE);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (input == null || !keepsOutput(training, workspaceMgr)) {
            return super.activate(training, workspaceMgr);
        }
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray z = preOutput(training, false, workspaceMgr).getFirst();
        INDArray output = layerConf().getActivationFn().getActivation(z, true); // in place
        preOutput = output; // what the backward pass takes as z: the same ReLU gradient
        return output;
    }

    /** What the backward pass will take as the pre-activation, for tests. */
    INDArray keptForBackward() {
        return preOutput;
    }
}
