package io.kindling.driver.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.driver.job.JobSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;

/**
 * `--model-file URI` (any Hadoop FileSystem): a Kindling model spec in YAML or JSON, or DL4J's own
 * MultiLayerConfiguration JSON (recognised by its "confs" list), which is used exactly as written.
 */
public final class ModelFiles {
    private ModelFiles() {
    }

    /** A model file's content: either a spec to build, or a ready DL4J configuration. */
    public record Loaded(ModelSpec spec, MultiLayerConfiguration dl4j) {
    }

    public static Loaded load(String uri, Configuration conf) {
        if (JobSpec.inlineSpec(uri)) {
            return parse(uri, "model", "the model spec given inline");
        }
        return parse(read(uri, conf), new Path(uri).getName().replaceFirst("\\.(ya?ml|json)$", ""),
                "--model-file " + uri);
    }

    private static Loaded parse(String text, String name, String what) {
        if (isDl4jJson(text)) {
            try {
                return new Loaded(null, MultiLayerConfiguration.fromJson(text));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(what + ": not a valid DL4J configuration: "
                        + e.getMessage().lines().findFirst().orElse(""), e);
            }
        }
        return new Loaded(ModelSpec.parse(text, name, what), null);
    }

    private static boolean isDl4jJson(String text) {
        try {
            JsonNode root = new ObjectMapper().readTree(text);
            return root != null && root.isObject() && root.has("confs");
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(String uri, Configuration conf) {
        try {
            Path path = new Path(uri);
            try (InputStream in = path.getFileSystem(conf).open(path)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("--model-file " + uri + ": cannot read: " + e.getMessage(), e);
        }
    }
}
