package io.kindling.driver.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A model zip Kindling wrote ({@code --save-model}, {@code checkpoints export}, a Spark ML model's
 * directory), read back: checked ({@link ModelZip}) before DL4J parses it, with its metadata.
 */
public record SavedModel(MultiLayerNetwork net, ModelWriter.Metadata metadata) {

    /** The zip at {@code uri}; {@code what} names it in errors, such as {@code --saved-model URI}. */
    public static SavedModel read(String uri, Configuration conf, String what) {
        return of(bytes(uri, conf, what), what);
    }

    /** The bytes of the file at {@code uri}, or a clear error. */
    public static byte[] bytes(String uri, Configuration conf, String what) {
        Path path = new Path(uri);
        try (InputStream in = path.getFileSystem(conf).open(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalArgumentException(what + ": cannot read it: " + e.getMessage(), e);
        }
    }

    /** The model in {@code zip}, checked first. */
    public static SavedModel of(byte[] zip, String what) {
        ModelZip.checked(zip, what);
        ModelWriter.Metadata metadata;
        MultiLayerNetwork net;
        try {
            metadata = ModelWriter.read(new ByteArrayInputStream(zip));
            net = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(zip), false);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(what + ": not a DL4J model zip: " + e.getMessage(), e);
        }
        if (metadata == null || metadata.dataset() == null) {
            throw new IllegalArgumentException(what + ": has no " + ModelWriter.METADATA + " with its dataset;"
                    + " expected a model saved by kindling train --save-model or checkpoints export");
        }
        return new SavedModel(net, metadata);
    }
}
