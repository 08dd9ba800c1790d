package io.kindling.datasets;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Hadoop FileSystem helpers shared by the writers. */
public final class HadoopFiles {
    private HadoopFiles() {
    }

    /** What to write into a file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** The total size of {@code files} in bytes, or -1 when there are none or one cannot be read. */
    public static long totalSize(List<String> files, Configuration conf) {
        long total = 0;
        try {
            for (String f : files) {
                Path path = new Path(f);
                total += path.getFileSystem(conf).getFileStatus(path).getLen();
            }
        } catch (IOException e) {
            return -1;
        }
        return files.isEmpty() ? -1 : total;
    }

    /**
     * The file system to write {@code path} with. For local paths this is the raw local file system:
     * the checksummed one leaves a {@code .crc} beside every file, and what we write carries its own
     * SHA-256 check.
     */
    public static FileSystem forWriting(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        return fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
    }

    /**
     * Writes {@code target} under a temporary name beside it and renames it when complete, so the
     * target is either the whole new file or what it was before.
     */
    public static void writeAtomically(Path target, Configuration conf, Content content) throws IOException {
        FileSystem fs = forWriting(target, conf);
        if (fs.exists(target) && fs.getFileStatus(target).isDirectory()) {
            throw new IOException("is a directory, expected a file name");
        }
        Path tmp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (OutputStream out = fs.create(tmp, false)) {
                content.writeTo(out);
            }
            fs.delete(target, false);
            if (!fs.rename(tmp, target)) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
        } finally {
            fs.delete(tmp, false);
        }
    }
}
