package io.kindling.worker;

import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.transform.Pipeline;
import java.io.Serializable;

/**
 * What every task of a training job needs and that does not change between rounds; broadcast once.
 *
 * @param modelJson          the DL4J MultiLayerConfiguration, as JSON
 * @param batchSize          examples per minibatch
 * @param averagingFrequency minibatches each worker fits between two averages (k)
 * @param data               the shape of an example as stored, and the classes (none: regression)
 * @param transforms         the transforms applied when minibatches are assembled
 * @param seed               base seed of the job; dropout and augmentation draws derive from it
 * @param threadsPerTask     native threads each task may use
 * @param traceExamples      report the index of every trained example (for coverage checks)
 * @param clipGradNorm       clip the global gradient norm to this, as PyTorch's clip_grad_norm_; 0 for none
 */
public record WorkerConfig(String modelJson, int batchSize, int averagingFrequency, DatasetInfo data,
                           Pipeline transforms, long seed, int threadsPerTask, boolean traceExamples,
                           double clipGradNorm) implements Serializable {

    public MinibatchAssembler assembler() {
        return new MinibatchAssembler(transforms, data, seed);
    }
}
