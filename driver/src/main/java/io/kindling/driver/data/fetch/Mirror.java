package io.kindling.driver.data.fetch;

import java.io.IOException;
import java.io.InputStream;

/** A place that may hold dataset files, raw or gzipped. */
public interface Mirror extends AutoCloseable {

    /** What the logs call this mirror. */
    String describe();

    /**
     * Opens {@code name} (or {@code name.gz}) as the stream it is stored as; the fetcher undoes any gzip.
     * Throws {@link java.io.FileNotFoundException} when this mirror lacks the file, another IOException
     * when the mirror cannot be reached at all.
     */
    InputStream open(String name) throws IOException;

    @Override
    default void close() {
    }
}
