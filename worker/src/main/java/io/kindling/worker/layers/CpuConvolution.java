package io.kindling.worker.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.layers.DropoutLayer;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
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
 * lives as long, and ReLU's backward overwrites it with the gradient once the next layer's backward
 * has run. So this is done only when the layers that read the output (through DL4J's inverted
 * dropout layers) make new arrays of their own: a convolution, pooling or dense layer, not the output
 * layer, whose score DL4J computes after the backward pass. Inverted dropout only zeroes values or
 * scales them by a positive factor, and a zeroed value's gradient is zero anyway; other kinds of
 * dropout could change signs. Other activations and other cases keep DL4J's behaviour.
 */
public class CpuConvolution extends ConvolutionLayer {
    private final boolean outputStaysIntact;

    CpuConvolution(NeuralNetConfiguration conf, DataType dataType, boolean outputStaysIntact) {
        super(conf, dataType);
        this.outputStaysIntact = outputStaysIntact;
    }

    /** Puts this layer, or {@link FirstConvolution} as the first, in place of each of {@code net}'s convolutions. */
    static void install(MultiLayerNetwork net) {
        CpuKernels.replaceLayers(net, ConvolutionLayer.class, (old, dataType) -> {
            int i = old.getIndex();
            boolean intact = outputStaysIntact(net, i);
            ConvolutionLayer swapped = i == 0 ? new FirstConvolution(old.conf(), dataType, intact)
                    : new CpuConvolution(old.conf(), dataType, intact);
            return CpuKernels.sharingParameters(old, swapped);
        });
    }

    /** Whether layer {@code i}'s output stays as computed, up to inverted dropout, until its own backward pass. */
    static boolean outputStaysIntact(MultiLayerNetwork net, int i) {
        for (int j = i + 1; j < net.getnLayers(); j++) {
            Layer next = net.getLayer(j);
            IDropout dropout = next.conf().getLayer().getIDropout();
            if (dropout != null && dropout.getClass() != Dropout.class && !(dropout instanceof CpuDropout)) {
                return false;
            }
            if (!(next instanceof DropoutLayer)) { // a dropout layer passes its input on as its output
                return next instanceof ConvolutionLayer || next instanceof SubsamplingLayer || next instanceof DenseLayer;
            }
        }
        return false;
    }

    private boolean keepsOutput(boolean training, LayerWorkspaceMgr workspaceMgr) {
        return training && outputStaysIntact && layerConf().getActivationFn() instanceof CpuRelu
                && cacheMode != null && cacheMode != CacheMode.NONE
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
