package io.kindling.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kindling.datasets.HadoopFiles;
import io.kindling.driver.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLWriter;
import scala.collection.Iterator;

/**
 * Saves an estimator or model as Spark ML saves its own stages, so that a {@code PipelineModel} holding
 * it saves and loads: {@code metadata/part-00000} (class, uid, Spark version, the params set and their
 * defaults, as JSON) and, for a model, {@code model.zip} (the network with its shape, classes and
 * transforms), whose SHA-256 the metadata records for loading to verify.
 */
final class ParamsWriter extends MLWriter {
    static final String METADATA = "metadata/part-00000";
    static final String MODEL = "model.zip";

    private final Params instance;
    private final byte[] model;

    /** @param model the model zip to save with the params, or null for an estimator */
    ParamsWriter(Params instance, byte[] model) {
        this.instance = instance;
        this.model = model;
    }

    @Override
    public void saveImpl(String path) {
        Configuration conf = sc().hadoopConfiguration();
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("class", instance.getClass().getName());
        json.put("timestamp", System.currentTimeMillis());
        json.put("sparkVersion", sc().version());
        json.put("uid", instance.uid());
        json.set("paramMap", params(instance.extractParamMap(), false));
        json.set("defaultParamMap", params(instance.extractParamMap(), true));
        try {
            if (model != null) {
                json.put("modelSha256", sha256(model));
                HadoopFiles.writeAtomically(new Path(path, MODEL), conf, out -> out.write(model));
            }
            // one line: Spark reads the first line of this file to find the stage's class
            byte[] metadata = (Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json)
                    + "\n").getBytes(StandardCharsets.UTF_8);
            HadoopFiles.writeAtomically(new Path(path, METADATA), conf, out -> out.write(metadata));
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot save: " + e.getMessage(), e);
        }
    }

    /** The params set ({@code defaults} false) or only defaulted, encoded as Spark encodes them. */
    private ObjectNode params(org.apache.spark.ml.param.ParamMap all, boolean defaults) throws UncheckedIOException {
        ObjectNode node = Json.MAPPER.createObjectNode();
        for (Iterator<ParamPair<?>> it = all.toSeq().iterator(); it.hasNext(); ) {
            ParamPair<?> pair = it.next();
            @SuppressWarnings("unchecked")
            Param<Object> param = (Param<Object>) pair.param();
            if (instance.isSet(param) == defaults) {
                continue;
            }
            try {
                JsonNode value = Json.MAPPER.readTree(param.jsonEncode(pair.value()));
                node.set(param.name(), value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return node;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
