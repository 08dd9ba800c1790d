package io.kindling.driver.data;

import io.kindling.datasets.transform.Pipeline;
import io.kindling.driver.job.DataSpec;
import java.util.List;

/** The data sources `--dataset` offers. */
public final class Datasets {
    public static final List<Dataset> ALL = List.of(new Mnist(), new Cifar10(), new CsvFiles(), new ImageFolders(),
            new Tables());

    private Datasets() {
    }

    public static List<String> names() {
        return ALL.stream().map(Dataset::name).toList();
    }

    /** The dataset `--dataset` names; an unknown name is an error naming the option and the choices. */
    public static Dataset named(String name) {
        return ALL.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("--dataset " + name + ": unknown, expected one of " + names()));
    }

    /** The kind of {@code spec}'s data, once it has checked the options it needs. */
    public static Dataset of(DataSpec spec) {
        Dataset dataset = named(spec.dataset());
        dataset.check(spec);
        return dataset;
    }

    /** The transforms of {@code spec}: the given ones, or its dataset's default. */
    public static Pipeline transforms(DataSpec spec) {
        return named(spec.dataset()).transforms(spec);
    }
}
