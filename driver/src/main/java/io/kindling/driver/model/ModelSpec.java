package io.kindling.driver.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kindling.driver.job.JobSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A model as a list of PyTorch-style layers, read from YAML or JSON:
 * <pre>
 * loss: nll                 # nll (on log_softmax), cross_entropy or mse
 * layers:
 *   - conv2d: {out_channels: 32, kernel_size: 3}
 *   - activation: relu
 *   - maxpool2d: 2
 *   - dense: 128            # flatten is implied
 *   - activation: relu
 *   - dense: classes        # the dataset's number of classes
 * </pre>
 * The last dense layer (or an explicit {@code output} layer) is the output layer, trained with the
 * loss; a trailing {@code log_softmax} or {@code softmax} activation belongs to it.
 */
public record ModelSpec(String name, String loss, List<LayerSpec> layers) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    public ModelSpec {
        layers = List.copyOf(layers);
        if (loss != null && !JobSpec.LOSSES.contains(loss)) {
            throw new IllegalArgumentException("loss " + loss + ": unknown, expected one of " + JobSpec.LOSSES);
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("layers: the model has none");
        }
    }

    public ModelSpec withLoss(String newLoss) {
        return new ModelSpec(name, newLoss, layers);
    }

    /** Parses a spec (YAML, or JSON, which YAML includes); {@code source} names it in errors. */
    public static ModelSpec parse(String text, String name, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String what = e.getOriginalMessage().lines().findFirst().orElse("unreadable");
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
            throw new IllegalArgumentException(source + ": not YAML or JSON: " + what + where);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage());
        }
        try {
            if (root == null || !root.isObject() || !root.has("layers") || !root.get("layers").isArray()) {
                throw new IllegalArgumentException("expected a map with a list of layers");
            }
            Iterator<String> keys = root.fieldNames();
            while (keys.hasNext()) {
                String key = keys.next();
                if (!List.of("name", "loss", "layers").contains(key)) {
                    throw new IllegalArgumentException("unknown key " + key + ", expected name, loss and layers");
                }
            }
            List<LayerSpec> layers = new ArrayList<>();
            for (JsonNode item : root.get("layers")) {
                layers.add(layer(layers.size(), item));
            }
            String specName = root.has("name") ? root.get("name").asText() : name;
            return new ModelSpec(specName, root.has("loss") ? root.get("loss").asText() : null, layers);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static LayerSpec layer(int index, JsonNode item) {
        if (item.isTextual() && LayerSpec.TYPES.containsKey(item.asText())) {
            return new LayerSpec(index, item.asText(), Map.of());
        }
        if (!item.isObject() || item.size() != 1) {
            throw new IllegalArgumentException("layer " + index + ": expected one `type: arguments` entry, got " + item);
        }
        String type = item.fieldNames().next();
        JsonNode value = item.get(type);
        Map<String, Object> args = new HashMap<>();
        if (value.isObject()) {
            value.fields().forEachRemaining(f -> args.put(f.getKey(), YAML.convertValue(f.getValue(), Object.class)));
        } else if (!value.isNull()) {
            String main = LayerSpec.mainArgument(type);
            if (main == null) {
                throw new IllegalArgumentException(LayerSpec.where(index, type) + ": takes no arguments, got " + value);
            }
            args.put(main, YAML.convertValue(value, Object.class));
        }
        return new LayerSpec(index, type, args);
    }
}
