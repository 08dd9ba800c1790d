package io.kindling.datasets.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** A real in-process HDFS (NameNode + DataNode) per test JVM, started on first use. */
public final class MiniHdfs {
    private static MiniDFSCluster cluster;

    private MiniHdfs() {
    }

    /** The cluster's base URI, e.g. {@code hdfs://127.0.0.1:34567}, without a trailing slash. */
    public static synchronized String uri() {
        if (cluster == null) {
            try {
                Path base = Files.createTempDirectory("kindling-minidfs-");
                Configuration conf = new Configuration();
                conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
                cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
                cluster.waitActive();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> { // 250 MB per run otherwise left behind
                    try {
                        cluster.shutdown(true);
                    } finally {
                        TempDirs.delete(base);
                    }
                }));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return cluster.getURI().toString();
    }
}
