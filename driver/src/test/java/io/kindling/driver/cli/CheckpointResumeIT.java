package io.kindling.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.testing.MiniHdfs;
import io.kindling.datasets.testing.SyntheticMnist;
import io.kindling.driver.checkpoint.CheckpointStore;
import io.kindling.driver.checkpoint.TrainingState;
import io.kindling.driver.job.EpochResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A training JVM killed with SIGKILL during epoch 3 resumes from epoch 2's checkpoint on HDFS and ends where an uninterrupted run ends. */
class CheckpointResumeIT {
    @TempDir
    Path tmp;

    @Test
    void aJobKilledDuringEpochThreeResumesFromEpochTwoAndMatchesAnUninterruptedRun() throws Exception {
        SyntheticMnist.write(tmp, 640, 200, 31, false);
        String hdfs = MiniHdfs.uri() + "/kill-" + UUID.randomUUID();
        String uninterruptedDir = hdfs + "/uninterrupted";
        String killedDir = hdfs + "/killed";

        Launcher.Result uninterrupted = Launcher.run(Map.of(), args(uninterruptedDir));
        assertEquals(0, uninterrupted.exitCode(), uninterrupted.stderr());

        Process training = Launcher.start(args(killedDir));
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(training.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null && !line.startsWith("Train Epoch: 3 ")) {
                // wait until epoch 3 is under way
            }
            assertTrue(line != null, "the job ended before epoch 3");
            training.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
        }
        assertEquals(137, training.waitFor(), "killed by SIGKILL");
        CheckpointStore killed = new CheckpointStore(killedDir, new Configuration());
        assertEquals(2, killed.newestValid(m -> { }).orElseThrow().epoch());

        Launcher.Result resumed = Launcher.run(Map.of(), "train", "--data-dir", Launcher.path(tmp), "--no-download",
                "--checkpoint-dir", killedDir, "--resume"); // where the data is comes from the command line

        assertEquals(0, resumed.exitCode(), resumed.stderr());
        assertTrue(resumed.stdout().contains("Resuming from " + killedDir + "/epoch-0002: 2 epochs done"), resumed.stdout());
        assertFalse(resumed.stdout().contains("Train Epoch: 2 "), "epochs 1 and 2 are not trained again");
        TrainingState expected = newest(uninterruptedDir);
        TrainingState actual = newest(killedDir);
        assertEquals(3, actual.epoch());
        assertEquals(expected.iteration(), actual.iteration());
        for (int e = 0; e < 3; e++) {
            EpochResult want = expected.history().get(e);
            EpochResult got = actual.history().get(e);
            assertEquals(want.test().averageLoss(), got.test().averageLoss(), 1e-4, "epoch " + (e + 1));
            assertEquals(want.test().correct(), got.test().correct(), "epoch " + (e + 1));
        }
    }

    private String[] args(String checkpointDir) {
        return List.of("train", "--data-dir", Launcher.path(tmp), "--no-download", "--epochs", "3", "--workers", "2",
                "--averaging-frequency", "1", "--log-interval", "1", "--checkpoint-dir", checkpointDir).toArray(new String[0]);
    }

    private static TrainingState newest(String dir) {
        CheckpointStore store = new CheckpointStore(dir, new Configuration());
        return store.readState(store.newestValid(m -> { }).orElseThrow());
    }
}
