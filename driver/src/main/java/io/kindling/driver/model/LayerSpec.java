package io.kindling.driver.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One layer of a model spec, as PyTorch names it: {@code conv2d: {out_channels: 32, kernel_size: 3}},
 * {@code maxpool2d: 2}, {@code dropout: 0.25}, {@code dense: 128}, {@code activation: relu}, ... A
 * scalar stands for the layer's main argument. Unknown arguments are errors, named with the layer.
 *
 * @param index position in the spec, 0-based, as in {@code print(net)}
 */
public record LayerSpec(int index, String type, Map<String, Object> args) {
    /** Every layer type and the arguments it takes; the first is the one a scalar stands for. */
    static final Map<String, List<String>> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put("conv2d", List.of("out_channels", "kernel_size", "stride", "padding", "in_channels", "activation"));
        TYPES.put("maxpool2d", List.of("kernel_size", "stride", "padding"));
        TYPES.put("avgpool2d", List.of("kernel_size", "stride", "padding"));
        TYPES.put("dropout", List.of("p"));
        TYPES.put("dropout2d", List.of("p"));
        TYPES.put("batchnorm", List.of("eps", "momentum"));
        TYPES.put("dense", List.of("out_features", "in_features", "activation"));
        TYPES.put("activation", List.of("name"));
        TYPES.put("flatten", List.of());
        TYPES.put("output", List.of("loss", "out_features", "in_features"));
    }

    public LayerSpec {
        if (!TYPES.containsKey(type)) {
            throw new IllegalArgumentException(where(index, type) + ": unknown layer type, expected one of "
                    + TYPES.keySet());
        }
        args = Map.copyOf(args);
        Set<String> allowed = Set.copyOf(TYPES.get(type));
        for (String key : args.keySet()) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(where(index, type) + ": unknown argument " + key + ", expected "
                        + (allowed.isEmpty() ? "none" : TYPES.get(type)));
            }
        }
    }

    /** The name of the argument a scalar value stands for, or null if the layer takes none. */
    static String mainArgument(String type) {
        List<String> args = TYPES.get(type);
        return args == null || args.isEmpty() ? null : args.get(0);
    }

    public String where() {
        return where(index, type);
    }

    static String where(int index, String type) {
        return "layer " + index + " (" + type + ")";
    }

    public boolean has(String key) {
        return args.containsKey(key);
    }

    public int integer(String key, Integer fallback) {
        Object v = args.get(key);
        if (v == null) {
            if (fallback == null) {
                throw new IllegalArgumentException(where() + ": " + key + " is required");
            }
            return fallback;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        throw new IllegalArgumentException(where() + ": " + key + " " + v + ", expected an integer");
    }

    /** An int or a [h, w] pair, PyTorch's {@code kernel_size=3} or {@code kernel_size=(3, 5)}. */
    public int[] pair(String key, int[] fallback) {
        Object v = args.get(key);
        if (v == null) {
            if (fallback == null) {
                throw new IllegalArgumentException(where() + ": " + key + " is required");
            }
            return fallback;
        }
        if (v instanceof Number) {
            int i = integer(key, null);
            return new int[] {i, i};
        }
        if (v instanceof List<?> list && list.size() == 2 && list.stream().allMatch(x -> x instanceof Number)) {
            return new int[] {((Number) list.get(0)).intValue(), ((Number) list.get(1)).intValue()};
        }
        throw new IllegalArgumentException(where() + ": " + key + " " + v + ", expected an integer or [h, w]");
    }

    public double number(String key, double fallback) {
        Object v = args.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException(where() + ": " + key + " " + v + ", expected a number");
    }

    public String text(String key, String fallback) {
        Object v = args.get(key);
        return v == null ? fallback : String.valueOf(v);
    }
}
