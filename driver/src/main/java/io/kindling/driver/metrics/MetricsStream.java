package io.kindling.driver.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FSDataOutputStream;

/** A metrics file being written: its failures carry the file's name, and each flush is an hflush readers see. */
final class MetricsStream {
    private final FSDataOutputStream out;
    private final String name;

    MetricsStream(FSDataOutputStream out, String name) {
        this.out = out;
        this.name = name;
    }

    interface Write {
        void to(OutputStream out) throws IOException;
    }

    /** Writes, then flushes so that a reader following the file (tensorboard, tail -f) sees it. */
    void write(Write write) {
        try {
            write.to(out);
            out.hflush();
        } catch (IOException e) {
            throw failed(e);
        }
    }

    void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw failed(e);
        }
    }

    private UncheckedIOException failed(IOException e) {
        return new UncheckedIOException(name + ": " + e.getMessage(), e);
    }
}
