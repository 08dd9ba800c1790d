package io.kindling.datasets.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes IDX files (the MNIST format) for tests, raw or gzipped. */
public final class IdxFiles {
    private IdxFiles() {
    }

    /** The bytes of an IDX unsigned-byte file: magic, dimensions, data. */
    public static byte[] bytes(int magic, int[] dims, byte[] data) {
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(buffer);
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
            out.flush();
            return buffer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] images(int count, int rows, int cols, byte[] pixels) {
        return bytes(0x0803, new int[] {count, rows, cols}, pixels);
    }

    public static byte[] labels(byte[] labels) {
        return bytes(0x0801, new int[] {labels.length}, labels);
    }

    /** Writes {@code content} to {@code file}, gzipped when the name ends in {@code .gz}. */
    public static void write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.getParent());
            try (OutputStream out = file.toString().endsWith(".gz")
                    ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
                out.write(content);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
