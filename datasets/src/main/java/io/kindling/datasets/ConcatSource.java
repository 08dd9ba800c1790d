package io.kindling.datasets;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/** Sources read one after another, like {@code ConcatDataset}; they must agree on shape and classes. */
public final class ConcatSource implements ExampleSource {
    private static final long serialVersionUID = 1L;
    private final List<ExampleSource> sources;

    private ConcatSource(List<ExampleSource> sources) {
        this.sources = List.copyOf(sources);
    }

    /** The one source, or their concatenation. */
    public static ExampleSource of(List<ExampleSource> sources) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("no data given");
        }
        if (sources.size() == 1) {
            return sources.get(0);
        }
        DatasetInfo first = sources.get(0).info();
        for (ExampleSource s : sources.subList(1, sources.size())) {
            if (!s.info().equals(first)) {
                throw new IllegalArgumentException(s.name() + ": examples of shape " + s.info().shape() + " with classes "
                        + s.info().classes() + " cannot follow " + sources.get(0).name() + "'s " + first.shape()
                        + " with classes " + first.classes());
            }
        }
        return new ConcatSource(sources);
    }

    @Override
    public String name() {
        return String.join("+", sources.stream().map(ExampleSource::name).toList());
    }

    @Override
    public DatasetInfo info() {
        return sources.get(0).info();
    }

    @Override
    public long bytes() {
        long total = 0;
        for (ExampleSource s : sources) {
            if (s.bytes() < 0) {
                return -1;
            }
            total += s.bytes();
        }
        return total;
    }

    @Override
    public JavaRDD<Example> rdd(JavaSparkContext sc, int partitions, BadRecords bad) {
        long total = Math.max(1, bytes());
        JavaRDD<Example> all = null;
        for (ExampleSource s : sources) {
            int share = bytes() < 0 ? partitions / sources.size() : (int) (partitions * Math.max(0, s.bytes()) / total);
            JavaRDD<Example> part = s.rdd(sc, Math.max(1, share), bad);
            all = all == null ? part : all.union(part);
        }
        return all;
    }
}
