package io.kindling.datasets;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Hadoop FileSystem helpers shared by the writers. */
public final class HadoopFiles {
    private HadoopFiles() {
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
}
