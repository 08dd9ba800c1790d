package io.kindling.driver.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.testing.MiniHdfs;
import io.kindling.worker.TinyNets;
import java.security.PrivilegedExceptionAction;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FullDiskFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.UserGroupInformation;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;

/** Where `--save-model` writes, on a real HDFS: proved writable before training. */
class ModelWriterTest {
    private final Configuration conf = new Configuration();

    @Test
    void anUnwritableSaveModelLocationFailsBeforeTrainingAndLeavesNothing() throws Exception {
        String dir = MiniHdfs.uri() + "/models-" + UUID.randomUUID();
        FileSystem fs = new Path(dir).getFileSystem(conf);
        fs.mkdirs(new Path(dir));
        fs.setPermission(new Path(dir), new FsPermission((short) 0555));
        String uri = dir + "/model.zip";
        UserGroupInformation alice = UserGroupInformation.createRemoteUser("alice");

        IllegalArgumentException e = alice.doAs((PrivilegedExceptionAction<IllegalArgumentException>) () ->
                assertThrows(IllegalArgumentException.class, () -> ModelWriter.checkWritable(uri, conf)));

        assertTrue(e.getMessage().startsWith("--save-model " + uri + ": cannot write there: Permission denied:"
                + " user=alice, access=WRITE"), e.getMessage());
        assertEquals(0, fs.listStatus(new Path(dir)).length);
        ModelWriter.checkWritable(MiniHdfs.uri() + "/models-" + UUID.randomUUID() + "/new/model.zip", conf);
    }

    @Test
    void aFullDiskFailsTheSaveInOneLineAndLeavesNoPartialFile(@TempDir java.nio.file.Path dir) throws Exception {
        String uri = "fulldisk://" + dir + "/model.zip";
        MultiLayerNetwork net = new MultiLayerNetwork(TinyNets.mlp(new Adam(0.01)));
        net.init();

        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class, () -> ModelWriter.save(net,
                true, null, uri, FullDiskFileSystem.withRoom(100)));

        assertEquals("--save-model " + uri + ": cannot save the model: No space left on device", e.getMessage());
        try (var left = java.nio.file.Files.list(dir)) {
            assertEquals(0, left.count(), "no partial or temporary file");
        }
    }
}
