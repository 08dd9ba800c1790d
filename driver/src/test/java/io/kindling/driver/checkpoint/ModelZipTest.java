package io.kindling.driver.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.worker.TinyNets;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

class ModelZipTest {
    /** Records whether Java deserialization ever ran on it. */
    static final class Tripwire implements Serializable {
        private static final long serialVersionUID = 1L;
        static final AtomicBoolean TRIPPED = new AtomicBoolean();

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            TRIPPED.set(true);
            in.defaultReadObject();
        }
    }

    private static byte[] model() throws IOException {
        MultiLayerNetwork net = new MultiLayerNetwork(TinyNets.mlp(new Adam(0.01)));
        net.init();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, out, true);
        return out.toByteArray();
    }

    /** {@code zip} with an entry added, or one entry's bytes replaced. */
    private static byte[] with(byte[] zip, String name, byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream copy = new ZipOutputStream(out);
             ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (!e.getName().equals(name)) {
                    copy.putNextEntry(new ZipEntry(e.getName()));
                    in.transferTo(copy);
                }
            }
            copy.putNextEntry(new ZipEntry(name));
            copy.write(content);
        }
        return out.toByteArray();
    }

    @Test
    void aModelDl4jWroteIsAccepted() throws IOException {
        byte[] zip = model();
        assertEquals(zip, ModelZip.checked(zip, "model.zip"));
    }

    @Test
    void aSerializedObjectInPreprocessorBinIsRefusedUnread() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new Tripwire());
        }
        byte[] zip = with(model(), "preprocessor.bin", bytes.toByteArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelZip.checked(zip, "evil.zip"));
        assertTrue(e.getMessage().startsWith("evil.zip: entry 'preprocessor.bin' is not part of a model"),
                e.getMessage());
        assertFalse(Tripwire.TRIPPED.get(), "nothing was deserialized");
    }

    @Test
    void aConfigurationNamingAnUnexpectedClassIsRefused() throws IOException {
        byte[] zip = model();
        String json;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry e;
            do {
                e = in.getNextEntry();
            } while (!e.getName().equals("configuration.json"));
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(json.contains("\"@class\" : \"org.nd4j.linalg.activations.impl."), json);
        String hostile = json.replaceFirst("\"@class\" : \"org.nd4j.linalg.activations.impl.[A-Za-z]+\"",
                "\"@class\" : \"javax.script.ScriptEngineManager\"");
        byte[] patched = with(zip, "configuration.json", hostile.getBytes(StandardCharsets.UTF_8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelZip.checked(patched, "evil.zip"));
        assertEquals("evil.zip: configuration.json names class javax.script.ScriptEngineManager, expected one of"
                + " DL4J's, ND4J's or Kindling's; refused", e.getMessage());
    }
}
