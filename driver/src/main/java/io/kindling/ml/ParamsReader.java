package io.kindling.ml;

import com.fasterxml.jackson.databind.JsonNode;
import io.kindling.driver.Json;
import io.kindling.driver.checkpoint.SavedModel;
import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLReader;

/**
 * Loads what {@link ParamsWriter} saved: checks that the directory holds the expected class, that the
 * model zip is the one the metadata names (its SHA-256) and is a model Kindling wrote ({@link
 * SavedModel}), then sets the saved params. Nothing in the directory is deserialized as Java objects.
 *
 * @param <T> the estimator or model class
 */
final class ParamsReader<T extends Params> extends MLReader<T> {
    /** Makes the instance from its uid and its model (null for an estimator). */
    @FunctionalInterface
    interface Factory<T> extends Serializable {
        T create(String uid, SavedModel model);
    }

    private static final long MAX_METADATA_BYTES = 1 << 20;

    private final Class<T> type;
    private final boolean withModel;
    private final Factory<T> factory;

    ParamsReader(Class<T> type, boolean withModel, Factory<T> factory) {
        this.type = type;
        this.withModel = withModel;
        this.factory = factory;
    }

    @Override
    public T load(String path) {
        Configuration conf = sc().hadoopConfiguration();
        JsonNode metadata = metadata(path, conf);
        String cls = metadata.path("class").asText();
        if (!cls.equals(type.getName())) {
            throw new IllegalArgumentException(path + ": holds a " + cls + ", expected a " + type.getName());
        }
        SavedModel model = null;
        if (withModel) {
            String what = new Path(path, ParamsWriter.MODEL).toString();
            byte[] zip = SavedModel.bytes(what, conf, what);
            String expected = metadata.path("modelSha256").asText();
            if (!ParamsWriter.sha256(zip).equals(expected)) {
                throw new IllegalArgumentException(what + ": its SHA-256 is not the one " + ParamsWriter.METADATA
                        + " records (" + expected + "); refusing a changed or damaged model");
            }
            model = SavedModel.of(zip, what);
        }
        T instance = factory.create(metadata.path("uid").asText(), model);
        for (Iterator<Map.Entry<String, JsonNode>> it = metadata.path("paramMap").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!instance.hasParam(entry.getKey())) {
                throw new IllegalArgumentException(path + ": unknown param '" + entry.getKey() + "' for " + cls);
            }
            Param<Object> param = instance.getParam(entry.getKey());
            Object value;
            try {
                value = param.jsonDecode(entry.getValue().toString());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(path + ": param " + entry.getKey() + " " + entry.getValue()
                        + " cannot be read: " + e.getMessage(), e);
            }
            if (!param.isValid().apply(value).equals(Boolean.TRUE)) {
                throw new IllegalArgumentException(path + ": param " + entry.getKey() + " " + entry.getValue()
                        + ": " + param.doc());
            }
            instance.set(param, value);
        }
        return instance;
    }

    private static JsonNode metadata(String path, Configuration conf) {
        Path file = new Path(path, ParamsWriter.METADATA);
        try {
            long size = file.getFileSystem(conf).getFileStatus(file).getLen();
            if (size > MAX_METADATA_BYTES) {
                throw new IllegalArgumentException(file + ": " + size + " bytes, expected at most "
                        + MAX_METADATA_BYTES);
            }
            try (var in = file.getFileSystem(conf).open(file)) {
                return Json.MAPPER.readTree(in);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(path + ": not a saved Kindling stage (" + file + ": " + e.getMessage()
                    + ")", e);
        }
    }
}
