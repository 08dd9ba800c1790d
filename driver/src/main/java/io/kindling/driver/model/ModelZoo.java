package io.kindling.driver.model;

import io.kindling.driver.job.JobOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models `--model` names. All but mlp are model specs shipped as YAML (the same format as
 * `--model-file`), so `kindling models` shows exactly what is built; mlp is generated from `--hidden`.
 */
public final class ModelZoo {
    /** Each model with the input shape of the dataset it was written for. */
    public static final Map<String, Shape> MODELS = new LinkedHashMap<>();

    static {
        MODELS.put("mnist-cnn", Shape.image(1, 28, 28));
        MODELS.put("lenet5", Shape.image(1, 28, 28));
        MODELS.put("cifar10-cnn", Shape.image(3, 32, 32));
        MODELS.put("simple-cnn", Shape.image(1, 28, 28));
        MODELS.put("mlp", Shape.image(1, 28, 28));
    }

    public static final List<String> NAMES = List.copyOf(MODELS.keySet());

    private ModelZoo() {
    }

    /** {@code name}, or an error naming the zoo's models. */
    public static String requireKnown(String name) {
        if (!MODELS.containsKey(name)) {
            throw new IllegalArgumentException("--model " + name + ": unknown, expected one of " + NAMES);
        }
        return name;
    }

    public static ModelSpec spec(String name, List<Integer> hidden) {
        requireKnown(name);
        return name.equals("mlp") ? mlp(hidden) : ModelSpec.parse(resource(name), name, "model " + name);
    }

    /** The YAML of a zoo model (mlp has none). */
    public static String resource(String name) {
        try (InputStream in = ModelZoo.class.getResourceAsStream("zoo/" + name + ".yaml")) {
            if (in == null) {
                throw new IllegalArgumentException("model " + name + " has no spec file");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Dense layers of the given widths with ReLU, then the classes with log-softmax and NLL. */
    static ModelSpec mlp(List<Integer> hidden) {
        JobOptions.HIDDEN.check(hidden);
        List<LayerSpec> layers = new ArrayList<>();
        for (int width : hidden) {
            layers.add(new LayerSpec(layers.size(), "dense", Map.of("out_features", width)));
            layers.add(new LayerSpec(layers.size(), "activation", Map.of("name", "relu")));
        }
        layers.add(new LayerSpec(layers.size(), "dense", Map.of("out_features", "classes")));
        layers.add(new LayerSpec(layers.size(), "activation", Map.of("name", "log_softmax")));
        return new ModelSpec("mlp", "nll", layers);
    }
}
