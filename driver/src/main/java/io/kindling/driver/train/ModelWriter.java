package io.kindling.driver.train;

import io.kindling.datasets.HadoopFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Saves a network as a DL4J model zip (configuration, parameters, updater state) to any Hadoop
 * FileSystem URI. It is written under a temporary name beside the target and renamed when complete,
 * so the target is either the whole model or untouched.
 */
public final class ModelWriter {
    private ModelWriter() {
    }

    public static void save(MultiLayerNetwork net, String uri, Configuration conf) {
        Path target = new Path(uri);
        Path tmp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try {
            FileSystem fs = HadoopFiles.forWriting(target, conf);
            if (fs.exists(target) && fs.getFileStatus(target).isDirectory()) {
                throw new IllegalArgumentException("--save-model " + uri + ": is a directory, expected a file name");
            }
            try {
                try (OutputStream out = fs.create(tmp, false)) {
                    ModelSerializer.writeModel(net, out, true);
                }
                fs.delete(target, false);
                if (!fs.rename(tmp, target)) {
                    throw new IOException("cannot rename " + tmp + " to " + target);
                }
            } finally {
                fs.delete(tmp, false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("--save-model " + uri + ": " + e.getMessage(), e);
        }
    }
}
