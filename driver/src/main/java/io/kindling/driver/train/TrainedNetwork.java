package io.kindling.driver.train;

import io.kindling.datasets.DatasetInfo;
import io.kindling.driver.checkpoint.ModelWriter;
import io.kindling.driver.job.JobSpec;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The network a training job ends with and what scoring with it needs: the example shape and classes,
 * and the transforms (with {@code normalize(auto)}'s statistics written in).
 *
 * @param spec the job's spec, as it ran (a resumed job's merged one)
 */
public record TrainedNetwork(MultiLayerNetwork net, DatasetInfo data, String transforms, JobSpec spec) {
    /** What a saved model holds besides the weights. */
    public ModelWriter.Metadata metadata() {
        return new ModelWriter.Metadata(data, transforms, spec.data());
    }
}
