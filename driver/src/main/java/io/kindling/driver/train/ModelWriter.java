package io.kindling.driver.train;

import io.kindling.datasets.HadoopFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Saves a network as a DL4J model zip (configuration, parameters, updater state) to any Hadoop
 * FileSystem URI, atomically: the target is either the whole model or untouched.
 */
public final class ModelWriter {
    private ModelWriter() {
    }

    public static void save(MultiLayerNetwork net, String uri, Configuration conf) {
        try {
            HadoopFiles.writeAtomically(new Path(uri), conf, out -> ModelSerializer.writeModel(net, out, true));
        } catch (IOException e) {
            throw new UncheckedIOException("--save-model " + uri + ": " + e.getMessage(), e);
        }
    }
}
