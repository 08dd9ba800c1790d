package io.kindling.driver.data;

import java.nio.file.Path;

/**
 * Where datasets are cached when no directory is given, like torchvision's {@code root}:
 * {@code $KINDLING_CACHE/datasets/NAME}, with KINDLING_CACHE defaulting to ~/.cache/kindling.
 */
public final class DataDirs {
    private DataDirs() {
    }

    public static String defaultFor(String dataset) {
        String cache = System.getenv("KINDLING_CACHE");
        Path root = cache != null && !cache.isBlank()
                ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "kindling");
        return root.resolve("datasets").resolve(dataset).toString();
    }
}
