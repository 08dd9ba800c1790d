package org.apache.hadoop.fs;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system as it behaves when its disk fills up: Hadoop's local output streams turn the
 * write's {@code IOException} ("No space left on device") into an {@link FSError}. Files may hold
 * {@code fs.fulldisk.bytes} bytes in all (per file system instance) before writes fail. Scheme
 * {@code fulldisk:}; register with {@code fs.fulldisk.impl} and disable the cache. It lives in Hadoop's
 * package because {@code FSError}'s constructor is package-private there, as Hadoop raises it itself.
 */
public final class FullDiskFileSystem extends RawLocalFileSystem {
    private long room;

    /** A configuration in which {@code fulldisk:///path} is the local disk with {@code bytes} of room left. */
    public static Configuration withRoom(long bytes) {
        Configuration conf = new Configuration();
        conf.set("fs.fulldisk.impl", FullDiskFileSystem.class.getName());
        conf.setBoolean("fs.fulldisk.impl.disable.cache", true);
        conf.setLong("fs.fulldisk.bytes", bytes);
        return conf;
    }

    @Override
    public void initialize(URI uri, Configuration conf) throws IOException {
        super.initialize(uri, conf);
        room = conf.getLong("fs.fulldisk.bytes", Long.MAX_VALUE);
    }

    @Override
    public URI getUri() {
        return URI.create("fulldisk:///");
    }

    @Override
    public String getScheme() {
        return "fulldisk";
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                     short replication, long blockSize, Progressable progress) throws IOException {
        return limited(super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress));
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
                                     Progressable progress) throws IOException {
        return limited(super.create(f, overwrite, bufferSize, replication, blockSize, progress));
    }

    private FSDataOutputStream limited(FSDataOutputStream out) {
        OutputStream filling = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (len > room) {
                    throw new FSError(new IOException("No space left on device"));
                }
                room -= len;
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw new FSError(e);
                }
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
        return new FSDataOutputStream(filling, null);
    }
}
