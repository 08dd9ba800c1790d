package io.kindling.driver.model;

import io.kindling.driver.job.JobSpec;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** The model of a job, for the dataset's input shape and classes: from the zoo, a spec file or DL4J JSON. */
public final class ModelFactory {
    private ModelFactory() {
    }

    /** For a classification {@code outputs} is the number of classes; a regression has one output and MSE. */
    public static ModelBuilder.Built build(JobSpec spec, Shape input, int outputs, boolean regression,
                                           Configuration conf) {
        if (regression && spec.loss() != null && !spec.loss().equals("mse")) {
            throw new IllegalArgumentException("--loss " + spec.loss() + ": a regression is trained with mse");
        }
        ModelSpec modelSpec;
        if (spec.modelFile() != null) {
            ModelFiles.Loaded loaded = ModelFiles.load(spec.modelFile(), conf);
            if (loaded.dl4j() != null) {
                return asIs(loaded.dl4j());
            }
            modelSpec = loaded.spec();
        } else {
            modelSpec = ModelZoo.spec(spec.model(), spec.hidden());
        }
        if (spec.loss() != null || regression) {
            modelSpec = modelSpec.withLoss(spec.loss() != null ? spec.loss() : "mse");
        }
        try {
            return ModelBuilder.build(modelSpec, input, outputs, spec.optimizer(), spec.seed());
        } catch (IllegalArgumentException e) {
            String which = spec.modelFile() != null ? "--model-file " + spec.modelFile() : "--model " + spec.model();
            throw new IllegalArgumentException(which + ": " + e.getMessage() + " (input " + input + ")", e);
        }
    }

    /**
     * A DL4J configuration used exactly as written: its own layers, updater and regularisation. The
     * network initialised here also records the parameter names the configuration's JSON needs (see
     * ModelBuilder).
     */
    private static ModelBuilder.Built asIs(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return new ModelBuilder.Built(conf, net.summary(), net.numParams());
    }
}
