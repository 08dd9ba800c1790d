package io.kindling.driver.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.kindling.driver.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A model zip from outside (a saved model, a checkpoint), checked before DL4J reads it. DL4J's loader
 * deserializes a {@code preprocessor.bin} or {@code normalizer.bin} entry with a plain
 * ObjectInputStream, and builds whatever classes the configuration's {@code @class} fields name: so
 * only the entries Kindling writes are accepted, and only DL4J's, ND4J's and Kindling's own classes.
 */
public final class ModelZip {
    /** DL4J's entries for a network with or without its updater state, and Kindling's metadata. */
    static final Set<String> ENTRIES = Set.of("configuration.json", "coefficients.bin", "updaterState.bin",
            "noParams.marker", ModelWriter.METADATA);
    static final List<String> CLASS_PREFIXES = List.of("org.deeplearning4j.nn.", "org.nd4j.linalg.", "io.kindling.");

    private ModelZip() {
    }

    /** Returns {@code zip} when it holds only a model's entries and classes; else the error names {@code what}. */
    public static byte[] checked(byte[] zip, String what) {
        boolean configuration = false;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                String name = entry.getName();
                if (!ENTRIES.contains(name)) {
                    throw new IllegalArgumentException(what + ": entry '" + name + "' is not part of a model (expected"
                            + " only " + ENTRIES.stream().sorted().toList() + "); refused unread");
                }
                if (name.equals("configuration.json")) {
                    configuration = true;
                    checkClasses(Json.MAPPER.readTree(in.readAllBytes()), what);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(what + ": not a model zip: " + e.getMessage(), e);
        }
        if (!configuration) {
            throw new IllegalArgumentException(what + ": no configuration.json, expected a DL4J model zip");
        }
        return zip;
    }

    private static void checkClasses(JsonNode node, String what) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().equals("@class")) {
                    String type = field.getValue().asText();
                    if (CLASS_PREFIXES.stream().noneMatch(type::startsWith)) {
                        throw new IllegalArgumentException(what + ": configuration.json names class " + type
                                + ", expected one of DL4J's, ND4J's or Kindling's; refused");
                    }
                } else {
                    checkClasses(field.getValue(), what);
                }
            }
        } else if (node.isArray()) {
            node.forEach(child -> checkClasses(child, what));
        }
    }
}
