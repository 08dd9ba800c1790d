package io.kindling.datasets.idx;

import io.kindling.datasets.DatasetFormatException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An IDX file on any Hadoop FileSystem, raw or gzipped. Raw files are checked for their exact size on
 * the driver (metadata only) and read with a seek; gzipped files are decompressed up to the shard,
 * and a short file is detected while reading.
 */
public final class IdxFile implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final boolean gzipped;
    private final IdxHeader header;

    private IdxFile(String path, boolean gzipped, IdxHeader header) {
        this.path = path;
        this.gzipped = gzipped;
        this.header = header;
    }

    /** Reads and checks the header; for raw files also checks the file size against it. Driver-side. */
    public static IdxFile open(Path path, int expectedMagic, Configuration conf) {
        String name = path.toString();
        boolean gzipped = name.endsWith(".gz");
        try {
            FileSystem fs = path.getFileSystem(conf);
            IdxHeader header;
            try (InputStream in = decoded(fs.open(path), gzipped)) {
                header = IdxHeader.read(in, path.getName(), expectedMagic);
            }
            if (!gzipped) {
                long size = fs.getFileStatus(path).getLen();
                if (size != header.expectedFileBytes()) {
                    throw new DatasetFormatException(String.format(
                            "%s: file size %d bytes, expected %d (header %d + %d records x %d bytes)%s",
                            path.getName(), size, header.expectedFileBytes(), header.headerBytes(),
                            header.count(), header.recordBytes(), size < header.expectedFileBytes()
                                    ? ": file is truncated" : ": trailing bytes"));
                }
            }
            return new IdxFile(name, gzipped, header);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    public IdxHeader header() {
        return header;
    }

    public String name() {
        return new Path(path).getName();
    }

    /** Opens a stream positioned at record {@code first}. Runs on executors. */
    public RecordReader records(int first, Configuration conf) {
        try {
            Path p = new Path(path);
            FSDataInputStream raw = p.getFileSystem(conf).open(p, 1 << 16);
            long offset = header.headerBytes() + (long) first * header.recordBytes();
            InputStream in;
            if (gzipped) {
                in = decoded(raw, true);
                in.skipNBytes(offset);
            } else {
                raw.seek(offset);
                in = new BufferedInputStream(raw, 1 << 16);
            }
            return new RecordReader(in, first);
        } catch (EOFException e) {
            throw truncatedAt(first, e);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    private DatasetFormatException truncatedAt(int record, Throwable cause) {
        return new DatasetFormatException(String.format(
                "%s: record %d: file is truncated, expected %d records of %d bytes",
                name(), record, header.count(), header.recordBytes()), cause);
    }

    private static InputStream decoded(InputStream in, boolean gzipped) throws IOException {
        return gzipped ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /** Reads fixed-size records one after another from a positioned stream. */
    public final class RecordReader implements AutoCloseable {
        private final InputStream in;
        private int next;

        private RecordReader(InputStream in, int first) {
            this.in = in;
            this.next = first;
        }

        /** The index of the record the next {@link #read} returns. */
        public int position() {
            return next;
        }

        public byte[] read() {
            byte[] record = new byte[header.recordBytes()];
            try {
                int n = in.readNBytes(record, 0, record.length);
                if (n < record.length) {
                    throw truncatedAt(next, null);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(name() + ": record " + next + ": " + e.getMessage(), e);
            }
            next++;
            return record;
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
