package io.kindling.driver.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.DataSummary;
import io.kindling.datasets.testing.MiniHdfs;
import io.kindling.driver.job.EpochResult;
import io.kindling.driver.job.EpochStats;
import io.kindling.driver.job.JobSpec;
import io.kindling.driver.schedule.StepLr;
import io.kindling.worker.EvalStats;
import io.kindling.worker.TinyNets;
import java.io.IOException;
import java.io.OutputStream;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FullDiskFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.UserGroupInformation;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;

/** The checkpoint directory on a real HDFS: atomic saves, verification, fallback, retention, errors. */
class CheckpointStoreTest {
    private final Configuration conf = new Configuration();
    private String uri;
    private FileSystem fs;
    private MultiLayerNetwork net;

    @BeforeEach
    void setUp() throws IOException {
        uri = MiniHdfs.uri() + "/checkpoints-" + UUID.randomUUID();
        fs = new Path(uri).getFileSystem(conf);
        net = new MultiLayerNetwork(TinyNets.mlp(new Adam(0.01)));
        net.init();
    }

    @Test
    void savedCheckpointsVerifyAndRoundTrip() {
        CheckpointStore store = new CheckpointStore(uri, conf);
        store.checkWritable();
        store.save(1, net, state(1));
        store.save(2, net, state(2));

        List<CheckpointStore.Stored> all = store.list(true);
        assertEquals(List.of(1, 2), all.stream().map(CheckpointStore.Stored::epoch).toList());
        assertTrue(all.stream().allMatch(CheckpointStore.Stored::valid));
        assertEquals(state(2), store.readState(all.get(1)));
        MultiLayerNetwork restored = store.readModel(all.get(1), true);
        assertArrayEquals(net.params().toFloatVector(), restored.params().toFloatVector());
        assertArrayEquals(net.getUpdater().getStateViewArray().toFloatVector(),
                restored.getUpdater().getStateViewArray().toFloatVector());
    }

    @Test
    void aTruncatedModelIsReportedAndTheOlderCheckpointUsed() throws IOException {
        CheckpointStore store = new CheckpointStore(uri, conf);
        store.save(1, net, state(1));
        store.save(2, net, state(2));
        Path model = new Path(uri + "/epoch-0002/" + CheckpointStore.MODEL);
        long size = fs.getFileStatus(model).getLen();
        byte[] head = new byte[(int) size / 2];
        try (var in = fs.open(model)) {
            in.readFully(head);
        }
        try (OutputStream out = fs.create(model, true)) {
            out.write(head);
        }

        List<String> reports = new ArrayList<>();
        CheckpointStore.Stored newest = store.newestValid(reports::add).orElseThrow();

        assertEquals(1, newest.epoch());
        assertEquals(List.of("Checkpoint epoch-0002 is not valid (model.zip has " + size / 2 + " bytes, expected "
                + size + "); using an older one"), reports);
    }

    @Test
    void aLeftoverTemporaryDirectoryIsIgnoredThenCleanedUp() throws IOException {
        CheckpointStore store = new CheckpointStore(uri, conf);
        store.save(1, net, state(1));
        Path leftover = new Path(uri + "/.epoch-0002.tmp-" + UUID.randomUUID());
        try (FSDataOutputStream out = fs.create(new Path(leftover, CheckpointStore.MODEL))) {
            out.write(new byte[1000]);
        }

        assertEquals(1, store.newestValid(m -> { }).orElseThrow().epoch());
        assertEquals(List.of(1), store.list(true).stream().map(CheckpointStore.Stored::epoch).toList());

        store.save(2, net, state(2));
        store.retain(3, Set.of());
        assertFalse(fs.exists(leftover));
    }

    @Test
    void aCheckpointWithoutItsManifestDoesNotCount() throws IOException {
        CheckpointStore store = new CheckpointStore(uri, conf);
        store.save(1, net, state(1));
        store.save(2, net, state(2));
        fs.delete(new Path(uri + "/epoch-0002/" + Manifest.NAME), false);
        assertEquals(1, store.newestValid(m -> { }).orElseThrow().epoch());
    }

    @Test
    void retentionKeepsTheNewestAndTheBest() {
        CheckpointStore store = new CheckpointStore(uri, conf);
        for (int epoch = 1; epoch <= 5; epoch++) {
            store.save(epoch, net, state(epoch));
        }
        List<String> deleted = store.retain(2, Set.of(2));
        assertEquals(List.of("epoch-0003", "epoch-0001"), deleted);
        assertEquals(List.of(2, 4, 5), store.list(true).stream().map(CheckpointStore.Stored::epoch).toList());
    }

    @Test
    void aUriWithoutAFileSystemIsOneClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CheckpointStore("nosuchfs://host/ckpt", conf));
        assertEquals("--checkpoint-dir nosuchfs://host/ckpt: No FileSystem for scheme \"nosuchfs\"", e.getMessage());
    }

    @Test
    void anUnwritableDirectoryFailsBeforeTrainingAndNothingIsWritten() throws Exception {
        fs.mkdirs(new Path(uri));
        fs.setPermission(new Path(uri), new FsPermission((short) 0555));
        UserGroupInformation alice = UserGroupInformation.createRemoteUser("alice");

        IllegalArgumentException e = alice.doAs((PrivilegedExceptionAction<IllegalArgumentException>) () ->
                assertThrows(IllegalArgumentException.class, () -> new CheckpointStore(uri, conf).checkWritable()));

        assertTrue(e.getMessage().startsWith("--checkpoint-dir " + uri + ": cannot write there: Permission denied:"
                + " user=alice, access=WRITE"), e.getMessage());
        assertEquals(0, fs.listStatus(new Path(uri)).length);
    }

    @Test
    void savingReplacesAnInvalidCheckpointOfTheSameEpoch() throws IOException {
        CheckpointStore store = new CheckpointStore(uri, conf);
        fs.mkdirs(new Path(uri + "/epoch-0001"));
        try (OutputStream out = fs.create(new Path(uri + "/epoch-0001/" + CheckpointStore.MODEL))) {
            out.write(1);
        }
        assertFalse(store.list(true).get(0).valid());
        store.save(1, net, state(1));
        assertNull(store.list(true).get(0).problem());
    }

    @Test
    void aManifestMustListEveryFileAndNameOnlyFilesOfItsOwnDirectory() throws IOException {
        CheckpointStore store = new CheckpointStore(uri, conf);
        store.save(1, net, state(1));
        store.save(2, net, state(2));
        Manifest one = manifest(1);
        Manifest.Entry model = one.files().get(0);
        writeManifest(1, new Manifest(Manifest.FORMAT, List.of(one.files().get(1)), null));
        writeManifest(2, new Manifest(Manifest.FORMAT, List.of(new Manifest.Entry("../epoch-0001/" + model.name(),
                model.size(), model.sha256()), one.files().get(1)), null));

        List<CheckpointStore.Stored> all = store.list(true);

        assertEquals("MANIFEST.json does not list model.zip", all.get(0).problem());
        assertEquals("MANIFEST.json names '../epoch-0001/model.zip', not a file of the checkpoint's own directory",
                all.get(1).problem());
    }

    @Test
    void withAKeyOnlyCheckpointsSignedWithItCount() {
        String key = "a shared secret of the team";
        new CheckpointStore(uri, conf, key).save(1, net, state(1));
        new CheckpointStore(uri, conf, null).save(2, net, state(2));

        assertEquals(List.of(true, true), valid(new CheckpointStore(uri, conf, null)), "without a key, both count");
        assertEquals(List.of(true, false), valid(new CheckpointStore(uri, conf, key)));
        assertEquals("MANIFEST.json is not signed, and KINDLING_CHECKPOINT_KEY asks for signed checkpoints",
                new CheckpointStore(uri, conf, key).list(true).get(1).problem());
        assertEquals("MANIFEST.json's signature does not match KINDLING_CHECKPOINT_KEY",
                new CheckpointStore(uri, conf, "another secret, same length").list(true).get(0).problem());
        List<String> reports = new ArrayList<>();
        assertEquals(1, new CheckpointStore(uri, conf, key).newestValid(reports::add).orElseThrow().epoch());
        IllegalArgumentException shortKey = assertThrows(IllegalArgumentException.class,
                () -> new CheckpointStore(uri, conf, "short"));
        assertEquals("KINDLING_CHECKPOINT_KEY: 5 characters, expected at least 16", shortKey.getMessage());
    }

    @Test
    void twoJobsCannotHoldOneDirectoryAndALockWhoseHolderIsGoneIsTakenOver() throws IOException {
        CheckpointStore store = new CheckpointStore(uri, conf);
        store.checkWritable();
        Duration refresh = Duration.ofMillis(300);
        Duration stale = Duration.ofSeconds(2);
        List<String> notes = new ArrayList<>();
        try (CheckpointLock first = store.lock(notes::add, refresh, stale)) {
            IllegalArgumentException second = assertThrows(IllegalArgumentException.class,
                    () -> store.lock(notes::add, refresh, stale));
            assertTrue(second.getMessage().startsWith("--checkpoint-dir " + uri + ": another job is writing it (process "
                    + ProcessHandle.current().pid() + " on "), second.getMessage());
        }
        store.lock(notes::add, refresh, stale).close(); // released: the next job takes it at once
        assertEquals(List.of(), notes);

        Path lock = new Path(uri, CheckpointLock.NAME);
        try (OutputStream out = fs.create(lock, true)) { // a job killed on this host: its process is gone
            out.write(new CheckpointLock.Owner(CheckpointLock.Owner.current().host(), Long.MAX_VALUE - 1, "then", "x")
                    .text().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        store.lock(notes::add, refresh, stale).close();
        assertTrue(notes.get(0).endsWith(", which has ended"), notes.get(0));

        try (OutputStream out = fs.create(lock, true)) { // a holder on another host, no longer refreshing
            out.write(new CheckpointLock.Owner("elsewhere", 1, "then", "y").text()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        long start = System.nanoTime();
        store.lock(notes::add, refresh, stale).close();
        assertTrue(notes.get(1).endsWith(", not refreshed for 2 s"), notes.get(1));
        assertTrue((System.nanoTime() - start) / 1e9 < 10, "waited about the staleness time");
        assertFalse(fs.exists(lock));
    }

    @Test
    void aFullDiskFailsTheCheckpointInOneLineAndKeepsTheOneBefore(@TempDir java.nio.file.Path dir) throws IOException {
        String full = "fulldisk://" + dir + "/ckpt";
        new CheckpointStore(full, FullDiskFileSystem.withRoom(Long.MAX_VALUE), null).save(1, net, state(1));
        CheckpointStore filling = new CheckpointStore(full, FullDiskFileSystem.withRoom(100), null);

        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                () -> filling.save(2, net, state(2)));

        assertEquals("--checkpoint-dir " + full + ": cannot write the checkpoint of epoch 2: No space left on device"
                + " (the previous checkpoints are intact)", e.getMessage());
        assertEquals(List.of(true), valid(filling));
        try (var left = java.nio.file.Files.list(dir.resolve("ckpt"))) {
            assertEquals(List.of("epoch-0001"), left.map(p -> p.getFileName().toString()).toList());
        }
    }

    private List<Boolean> valid(CheckpointStore store) {
        return store.list(true).stream().map(CheckpointStore.Stored::valid).toList();
    }

    private Manifest manifest(int epoch) throws IOException {
        try (java.io.InputStream in = fs.open(new Path(uri + "/" + CheckpointStore.dirName(epoch) + "/" + Manifest.NAME))) {
            return CheckpointStore.JSON.readValue(in, Manifest.class);
        }
    }

    private void writeManifest(int epoch, Manifest manifest) throws IOException {
        try (OutputStream out = fs.create(new Path(uri + "/" + CheckpointStore.dirName(epoch) + "/" + Manifest.NAME),
                true)) {
            out.write(CheckpointStore.JSON.writeValueAsBytes(manifest));
        }
    }

    private static TrainingState state(int epoch) {
        List<EpochResult> history = new ArrayList<>();
        for (int e = 1; e <= epoch; e++) {
            history.add(new EpochResult(e, Math.pow(0.7, e - 1), new EpochStats(640, 10, 1, 1.0 / e, 5.0, 4.8), null,
                    new EvalStats(100.0 / e, 50 + e, 100), 0.5));
        }
        JobSpec spec = JobSpec.builder().dataDir("/data").epochs(5).checkpointDir("/ckpt").build();
        return new TrainingState(TrainingState.FORMAT, epoch, 10 * epoch, 2, spec, new StepLr(1.0, 1, 0.7),
                new DataSummary(640, "00ff"), new DataSummary(100, "ff00"), TinyNets.MNIST,
                TinyNets.MNIST_TRANSFORMS.text(), history,
                new TrainingState.Best("test_accuracy", epoch, 0.5 + epoch / 100.0), new Versions("k", "d", "s", "j"));
    }
}
