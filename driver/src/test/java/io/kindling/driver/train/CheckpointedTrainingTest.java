package io.kindling.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.testing.LocalSpark;
import io.kindling.datasets.testing.MiniHdfs;
import io.kindling.datasets.testing.SyntheticMnist;
import io.kindling.driver.checkpoint.CheckpointStore;
import io.kindling.driver.checkpoint.TrainingState;
import io.kindling.driver.job.EpochResult;
import io.kindling.driver.job.JobSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training with checkpoints on a real HDFS: what is kept, exact resume, and refusing other data. */
class CheckpointedTrainingTest {
    @TempDir
    static Path data;

    private final PrintStream out = System.out;

    @BeforeAll
    static void writeData() {
        SyntheticMnist.write(data.resolve("a"), 384, 200, 21, true);
        SyntheticMnist.write(data.resolve("b"), 384, 200, 22, true);
    }

    @Test
    void resumingAfterTwoEpochsGivesTheUninterruptedRunsMetricsAndKeepsNewestAndBest() {
        String dir = MiniHdfs.uri() + "/resume-" + UUID.randomUUID();
        List<EpochResult> uninterrupted = new TrainingJob(spec(3, null), LocalSpark.context(), out).run();

        new TrainingJob(spec(2, dir), LocalSpark.context(), out).run();
        CheckpointStore store = new CheckpointStore(dir, LocalSpark.context().hadoopConfiguration());
        CheckpointStore.Stored newest = store.newestValid(m -> { }).orElseThrow();
        TrainingState state = store.readState(newest);
        assertEquals(2, newest.epoch());
        int best = state.best().epoch();
        assertEquals(new TreeSet<>(List.of(2, best)), new TreeSet<>(store.list(true).stream()
                .filter(CheckpointStore.Stored::valid).map(CheckpointStore.Stored::epoch).toList()),
                "keep-last 1 plus the best by test_loss");

        JobSpec more = state.spec().toBuilder().epochs(3).build();
        List<EpochResult> resumed = new TrainingJob(more, LocalSpark.context(), out).resumingFrom(newest).run();

        assertEquals(3, resumed.size());
        for (int e = 0; e < 3; e++) {
            assertEquals(uninterrupted.get(e).test().averageLoss(), resumed.get(e).test().averageLoss(), 1e-4);
            assertEquals(uninterrupted.get(e).test().correct(), resumed.get(e).test().correct());
        }
        assertEquals(state.iteration() / 2 * 3, store.readState(store.newestValid(m -> { }).orElseThrow()).iteration(),
                "the iteration count continues across the resume");
    }

    @Test
    void aCheckpointOfOtherDataIsRefusedAndNothingIsWritten() throws IOException {
        String dir = MiniHdfs.uri() + "/refuse-" + UUID.randomUUID();
        new TrainingJob(spec(1, dir), LocalSpark.context(), out).run();
        CheckpointStore store = new CheckpointStore(dir, LocalSpark.context().hadoopConfiguration());
        CheckpointStore.Stored newest = store.newestValid(m -> { }).orElseThrow();
        String before = listing(dir);

        JobSpec otherData = store.readState(newest).spec().toBuilder()
                .dataDir(data.resolve("b").toString()).epochs(2).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrainingJob(otherData, LocalSpark.context(), out).resumingFrom(newest).run());

        assertTrue(e.getMessage().startsWith("--data-dir " + data.resolve("b") + ": its training data (384 examples,"
                + " fingerprint "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; refusing to resume"), e.getMessage());
        assertEquals(before, listing(dir));
    }

    @Test
    void resumeContinuesFromTheNewestValidCheckpointAndStartsAfreshWhenNoneIsValid() throws IOException {
        String dir = MiniHdfs.uri() + "/corrupt-" + UUID.randomUUID();
        new TrainingJob(spec(2, dir).toBuilder().keepLast(2).build(), LocalSpark.context(), out).run();
        FileSystem fs = new org.apache.hadoop.fs.Path(dir).getFileSystem(LocalSpark.context().hadoopConfiguration());
        corrupt(fs, dir + "/epoch-0002/" + CheckpointStore.MODEL);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(console, true, StandardCharsets.UTF_8);

        List<EpochResult> resumed = TrainingJob.of(spec(3, dir), true, Set.of("--epochs", "--checkpoint-dir"),
                LocalSpark.context(), log).run();

        String text = console.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("Checkpoint epoch-0002 is not valid (model.zip has SHA-256 "), text);
        assertTrue(text.contains("1 epochs done"), text);
        assertEquals(3, resumed.size());
        CheckpointStore store = new CheckpointStore(dir, LocalSpark.context().hadoopConfiguration());
        assertEquals(3, store.newestValid(m -> { }).orElseThrow().epoch());

        for (CheckpointStore.Stored s : store.list(false)) {
            corrupt(fs, s.dir() + "/" + CheckpointStore.STATE);
        }
        List<EpochResult> fresh = TrainingJob.of(spec(1, dir), true, Set.of("--epochs", "--checkpoint-dir"),
                LocalSpark.context(), log).run();
        assertEquals(1, fresh.size());
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("No valid checkpoint in " + dir
                + ": starting at epoch 1"));
        assertEquals(1, store.newestValid(m -> { }).orElseThrow().epoch());
    }

    private static void corrupt(FileSystem fs, String file) throws IOException {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file);
        byte[] bytes;
        try (var in = fs.open(path)) {
            bytes = in.readAllBytes();
        }
        bytes[bytes.length / 2] ^= 1;
        try (var out = fs.create(path, true)) {
            out.write(bytes);
        }
    }

    @Test
    void anExistingCheckpointDirectoryIsNotOverwrittenWithoutResume() throws IOException {
        String dir = MiniHdfs.uri() + "/exists-" + UUID.randomUUID();
        new TrainingJob(spec(1, dir), LocalSpark.context(), out).run();
        String before = listing(dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrainingJob(spec(1, dir), LocalSpark.context(), out).run());
        assertEquals("--checkpoint-dir " + dir + ": holds checkpoints already (newest epoch-0001); pass --resume"
                + " to continue from them, or choose another directory", e.getMessage());
        assertEquals(before, listing(dir));
    }

    private static JobSpec spec(int epochs, String checkpointDir) {
        return JobSpec.builder().dataDir(data.resolve("a").toString()).download(false).epochs(epochs).workers(2)
                .checkpointDir(checkpointDir).keepLast(1).keepBest("test_loss").build();
    }

    /** Every file under {@code dir} with its size and modification time. */
    private static String listing(String dir) throws IOException {
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir);
        FileSystem fs = root.getFileSystem(LocalSpark.context().hadoopConfiguration());
        StringBuilder s = new StringBuilder();
        var files = fs.listFiles(root, true);
        while (files.hasNext()) {
            FileStatus f = files.next();
            s.append(f.getPath()).append(' ').append(f.getLen()).append(' ').append(f.getModificationTime()).append('\n');
        }
        return s.toString();
    }
}
