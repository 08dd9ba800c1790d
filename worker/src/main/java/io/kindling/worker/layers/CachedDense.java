package io.kindling.worker.layers;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's dense layer, keeping the training forward pass's pre-activation (z = xW + b) for the
 * backward pass. DL4J's computes the product again in backprop (its cache mode covers convolutions
 * only): for the MNIST CNN's 9216 → 128 layer that is a third of the dense layers' multiply-adds,
 * to save a copy of 64 × 128 values. Layers with layer norm or weight noise keep DL4J's behaviour.
 */
public final class CachedDense extends DenseLayer {
    private INDArray kept; // outside any workspace, reused from step to step
    private INDArray keptFor; // the input kept was computed from; null when there is none to use

    CachedDense(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Puts this layer in place of each of {@code net}'s dense layers, sharing their parameter and gradient views. */
    static void install(MultiLayerNetwork net) {
        CpuKernels.replaceLayers(net, DenseLayer.class,
                (old, dataType) -> CpuKernels.sharingParameters(old, new CachedDense(old.conf(), dataType)));
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        keptFor = null;
        if (!training || hasLayerNorm() || layerConf().getWeightNoise() != null) {
            return super.activate(training, workspaceMgr);
        }
        INDArray z = preOutputWithPreNorm(true, false, workspaceMgr).getFirst();
        keep(z);
        INDArray ret = layerConf().getActivationFn().getActivation(z, true); // in place, hence the copy
        if (maskArray != null) {
            applyMask(ret);
        }
        return ret;
    }

    private void keep(INDArray z) {
        if (kept == null || kept.dataType() != z.dataType() || !Arrays.equals(kept.shape(), z.shape())) {
            try (MemoryWorkspace none = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                kept = z.dup('c');
            }
        } else {
            kept.assign(z);
        }
        keptFor = input; // after any dropout on the input, as the backward pass sees it
    }

    @Override
    protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop,
            LayerWorkspaceMgr workspaceMgr) {
        if (forBackprop && keptFor != null && keptFor == input) {
            keptFor = null; // once: the activation's backward overwrites the copy it gets
            INDArray z = workspaceMgr.dup(ArrayType.ACTIVATIONS, kept);
            return new Pair<>(z, z);
        }
        return super.preOutputWithPreNorm(training, forBackprop, workspaceMgr);
    }

    @Override
    public void clear() {
        keptFor = null;
        super.clear();
    }
}
