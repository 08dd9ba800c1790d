package io.kindling.driver.checkpoint;

import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.HadoopFiles;
import io.kindling.driver.Json;
import io.kindling.driver.job.DataSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Saves a network as a DL4J model zip to any Hadoop FileSystem URI, atomically (the target is either
 * the whole model or untouched). Next to DL4J's entries the zip carries {@code kindling.json}: the
 * shape of an input example, the class names (a CSV dataset's label map), the transforms with
 * normalize(auto) resolved, so predictions see data prepared as in training, and the dataset options
 * it trained with (the defaults of {@code evaluate} and {@code predict}). DL4J ignores the entry.
 */
public final class ModelWriter {
    public static final String METADATA = "kindling.json";

    private ModelWriter() {
    }

    /** What a saved model needs besides its weights; {@code dataset} is null in models saved before it was added. */
    public record Metadata(DatasetInfo data, String transforms, DataSpec dataset) {
    }

    public static void save(MultiLayerNetwork net, boolean withUpdater, Metadata metadata, String uri,
                            Configuration conf) {
        byte[] bytes = zip(net, withUpdater, metadata);
        try {
            HadoopFiles.writeAtomically(new Path(uri), conf, out -> out.write(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("--save-model " + uri + ": cannot save the model: " + e.getMessage(), e);
        } catch (FSError e) { // the local disk failed (full, I/O error); its cause says how
            throw new UncheckedIOException("--save-model " + uri + ": cannot save the model: "
                    + e.getCause().getMessage(), new IOException(e));
        }
    }

    /**
     * Proves {@code uri}'s directory writable (created if needed) before any training time is spent:
     * a probe file written and deleted beside it.
     */
    public static void checkWritable(String uri, Configuration conf) {
        try {
            Path target = new Path(uri);
            FileSystem fs = HadoopFiles.forWriting(target, conf);
            Path dir = target.getParent();
            if (dir != null) {
                fs.mkdirs(dir);
            }
            Path probe = new Path(dir, "." + target.getName() + ".probe-" + java.util.UUID.randomUUID());
            fs.create(probe, false).close();
            fs.delete(probe, false);
        } catch (IOException | RuntimeException | FSError e) {
            throw new IllegalArgumentException("--save-model " + uri + ": cannot write there: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
        }
    }

    /** The model zip: DL4J's entries, then the metadata. */
    public static byte[] zip(MultiLayerNetwork net, boolean withUpdater, Metadata metadata) {
        try {
            ByteArrayOutputStream dl4j = new ByteArrayOutputStream();
            ModelSerializer.writeModel(net, dl4j, withUpdater);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ZipOutputStream zip = new ZipOutputStream(bytes);
            try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(dl4j.toByteArray()))) {
                for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                    zip.putNextEntry(new ZipEntry(entry.getName()));
                    in.transferTo(zip);
                    zip.closeEntry();
                }
            }
            if (metadata != null) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("data", metadata.data());
                json.put("transforms", metadata.transforms());
                json.put("dataset", metadata.dataset());
                zip.putNextEntry(new ZipEntry(METADATA));
                zip.write(Json.MAPPER.writeValueAsBytes(json));
                zip.closeEntry();
            }
            zip.finish();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the model zip: " + e.getMessage(), e);
        }
    }

    /** The metadata of a saved model, or null when it has none (a plain DL4J zip). */
    public static Metadata read(InputStream modelZip) throws IOException {
        try (ZipInputStream in = new ZipInputStream(modelZip)) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                if (entry.getName().equals(METADATA)) {
                    return Json.MAPPER.readValue(in.readAllBytes(), Metadata.class);
                }
            }
        }
        return null;
    }
}
