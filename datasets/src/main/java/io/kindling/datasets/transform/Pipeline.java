package io.kindling.datasets.transform;

import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.Example;
import io.kindling.datasets.Permutation;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaRDD;

/**
 * A composition of transforms, like {@code transforms.Compose}, written as text:
 * {@code random_crop(32, 4); hflip(0.5); to_tensor; normalize([0.49, 0.48, 0.45], [0.25, 0.24, 0.26])}.
 * Steps: {@code resize(h, w)}, {@code random_crop(size, padding)}, {@code hflip(p)}, {@code to_tensor}
 * (8-bit values to [0, 1]), {@code normalize(mean, std)} or {@code normalize(auto)}. Random steps apply
 * to training examples only, drawn from a generator seeded by (seed, epoch, example index), so a run
 * repeats exactly however the data is partitioned. Runs on executors when minibatches are assembled.
 */
public record Pipeline(List<Transform> steps) implements Serializable {
    public static final Pipeline NONE = new Pipeline(List.of());

    public Pipeline {
        steps = List.copyOf(steps);
    }

    /** Parses pipeline text; a mistake is reported with the step it is in. */
    public static Pipeline parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        List<Transform> steps = new ArrayList<>();
        for (String step : text.split(";")) {
            if (!step.isBlank()) {
                steps.add(step(step.trim()));
            }
        }
        return new Pipeline(steps);
    }

    private static Transform step(String step) {
        int open = step.indexOf('(');
        String name = (open < 0 ? step : step.substring(0, open)).trim();
        List<String> args = open < 0 ? List.of() : arguments(step, open);
        try {
            return switch (name) {
                case "to_tensor" -> {
                    expect(args, 0);
                    yield new ToTensor();
                }
                case "normalize" -> args.size() == 1 && args.get(0).equals("auto")
                        ? Normalize.auto() : new Normalize(numbers(args, 0), numbers(args, 1));
                case "resize" -> {
                    expect(args, 2);
                    yield new Resize(integer(args.get(0)), integer(args.get(1)));
                }
                case "random_crop" -> new RandomCrop(integer(args.get(0)), args.size() > 1 ? integer(args.get(1)) : 0);
                case "hflip", "random_horizontal_flip" -> new RandomHorizontalFlip(args.isEmpty() ? 0.5
                        : Double.parseDouble(args.get(0)));
                default -> throw new IllegalArgumentException("unknown transform, expected resize, random_crop, hflip,"
                        + " to_tensor or normalize");
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--transforms: " + step + ": " + e.getMessage(), e);
        }
    }

    private static List<String> arguments(String step, int open) {
        int close = step.lastIndexOf(')');
        if (close < open) {
            throw new IllegalArgumentException("--transforms: " + step + ": expected ')'");
        }
        List<String> args = new ArrayList<>();
        int depth = 0;
        StringBuilder current = new StringBuilder();
        for (char c : step.substring(open + 1, close).toCharArray()) {
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            }
            if (c == ',' && depth == 0) {
                args.add(current.toString().trim());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (!current.toString().isBlank()) {
            args.add(current.toString().trim());
        }
        return args;
    }

    private static void expect(List<String> args, int n) {
        if (args.size() != n) {
            throw new IllegalArgumentException("expected " + n + " arguments, got " + args.size());
        }
    }

    private static int integer(String s) {
        return Integer.parseInt(s.trim());
    }

    private static double[] numbers(List<String> args, int i) {
        if (args.size() != 2) {
            throw new IllegalArgumentException("expected normalize(mean, std) or normalize(auto)");
        }
        String s = args.get(i).replace("[", "").replace("]", "");
        String[] parts = s.split(",");
        double[] values = new double[parts.length];
        for (int k = 0; k < parts.length; k++) {
            values[k] = Double.parseDouble(parts[k].trim());
        }
        return values;
    }

    public String text() {
        return steps.stream().map(Transform::text).collect(Collectors.joining("; "));
    }

    /** The shape (channels, height, width; rows: features, 1, 1) of an example of {@code info} after the pipeline. */
    public int[] outputShape(DatasetInfo info) {
        int[] shape = info.isImage() ? new int[] {info.channels(), info.height(), info.width()}
                : new int[] {info.channels(), 1, 1};
        for (Transform t : steps) {
            if (t.needsImage() && !info.isImage()) {
                throw new IllegalArgumentException("--transforms: " + t.text() + " needs images, but the data is rows of "
                        + info.features() + " features");
            }
            if (t instanceof ToTensor && !info.isImage()) {
                throw new IllegalArgumentException("--transforms: to_tensor scales 8-bit pixels; the data is rows of"
                        + " numbers");
            }
            if (t instanceof Normalize n && !n.isAuto() && n.mean().length != 1 && n.mean().length != shape[0]) {
                throw new IllegalArgumentException("--transforms: " + t.text() + ": " + n.mean().length
                        + " values for " + shape[0] + (info.isImage() ? " channels" : " features"));
            }
            shape = t.shape(shape);
        }
        return shape;
    }

    /** The example's features after the pipeline, as floats in CHW order. */
    public float[] apply(Example e, DatasetInfo info, boolean training, long seed, int epoch) {
        Tensor t = input(e, info);
        SplittableRandom random = null;
        for (Transform step : steps) {
            if (step.trainingOnly()) {
                if (!training) {
                    continue;
                }
                if (random == null) {
                    random = new SplittableRandom(Permutation.mix(Permutation.mix(seed ^ epoch) ^ e.index()));
                }
            }
            t = step.apply(t, random);
        }
        return t.data();
    }

    private static Tensor input(Example e, DatasetInfo info) {
        if (e.pixels() != null) {
            byte[] p = e.pixels();
            float[] data = new float[p.length];
            for (int i = 0; i < p.length; i++) {
                data[i] = p[i] & 0xff;
            }
            return info.isImage() ? new Tensor(info.channels(), info.height(), info.width(), data)
                    : new Tensor(data.length, 1, 1, data);
        }
        // Images stored as values (an array column with --input-shape) keep their shape.
        return info.isImage() ? new Tensor(info.channels(), info.height(), info.width(), e.values().clone())
                : new Tensor(e.values().length, 1, 1, e.values().clone());
    }

    public boolean needsStatistics() {
        return steps.stream().anyMatch(t -> t instanceof Normalize n && n.isAuto());
    }

    /**
     * This pipeline with {@code normalize(auto)} replaced by the mean and standard deviation of each
     * channel (feature) of the training examples, as the steps before it leave them (random steps
     * skipped), computed in one distributed pass.
     */
    public Pipeline withStatisticsOf(JavaRDD<Example> training, DatasetInfo info) {
        int at = -1;
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) instanceof Normalize n && n.isAuto()) {
                at = i;
            }
        }
        if (at < 0) {
            return this;
        }
        Pipeline before = new Pipeline(steps.subList(0, at));
        int channels = before.outputShape(info)[0];
        double[] totals = training.mapPartitions(it -> {
            double[] acc = new double[2 * channels + 1];
            while (it.hasNext()) {
                float[] x = before.apply(it.next(), info, false, 0, 0);
                int plane = x.length / channels;
                for (int c = 0; c < channels; c++) {
                    for (int i = c * plane; i < (c + 1) * plane; i++) {
                        acc[c] += x[i];
                        acc[channels + c] += (double) x[i] * x[i];
                    }
                }
                acc[2 * channels] += plane;
            }
            return List.of(acc).iterator();
        }).reduce((a, b) -> {
            for (int i = 0; i < a.length; i++) {
                a[i] += b[i];
            }
            return a;
        });
        double n = totals[2 * channels];
        double[] mean = new double[channels];
        double[] std = new double[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = totals[c] / n;
            std[c] = Math.sqrt(Math.max(totals[channels + c] / n - mean[c] * mean[c], 0));
            if (std[c] == 0) {
                std[c] = 1; // a constant channel: centre it, do not divide by zero
            }
        }
        List<Transform> resolved = new ArrayList<>(steps);
        resolved.set(at, new Normalize(mean, std));
        return new Pipeline(resolved);
    }
}
