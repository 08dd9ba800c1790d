package io.kindling.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kindling.datasets.DataSummary;
import io.kindling.driver.checkpoint.TrainingState;
import io.kindling.driver.checkpoint.Versions;
import io.kindling.driver.job.JobSpec;
import io.kindling.driver.schedule.StepLr;
import io.kindling.worker.TinyNets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResumePolicyTest {
    private final List<String> ignored = new java.util.ArrayList<>();

    private final JobSpec saved = JobSpec.builder().dataDir("/old").epochs(5).batchSize(32).lr(0.5)
            .logInterval(20).seed(7).checkpointDir("/ckpt").build();
    private final TrainingState state = new TrainingState(TrainingState.FORMAT, 2, 100, 4, saved,
            new StepLr(0.5, 1, 0.7), new DataSummary(10, "a"), new DataSummary(5, "b"), TinyNets.MNIST, "", List.of(), null,
            new Versions("k", "d", "s", "j"));

    @Test
    void optionsNotGivenAreTheCheckpointsAndChangeableOnesApplyWhenGiven() {
        JobSpec given = JobSpec.builder().dataDir("/new").epochs(8).checkpointDir("/ckpt").build();
        JobSpec merged = ResumePolicy.merge(state, given, Set.of("--epochs", "--data-dir", "--checkpoint-dir"), ignored::add);
        assertEquals(8, merged.epochs());
        assertEquals("/new", merged.data().dir());
        assertEquals(0.5, merged.optimizer().lr(), "the default --lr does not replace the checkpoint's");
        assertEquals(20, merged.logInterval());
        assertEquals(32, merged.batchSize());
        assertEquals(7, merged.seed());
        assertEquals(4, merged.workers(), "the worker count the checkpoint actually used");
    }

    @Test
    void dataAndOutputLocationsAreTheCommandLinesNeverTheCheckpoints() {
        JobSpec recorded = saved.toBuilder().saveModel("hdfs:///elsewhere/model.zip").runDir("/runs/a").build();
        TrainingState withOutputs = new TrainingState(TrainingState.FORMAT, 2, 100, 4, recorded, state.lrScheduler(),
                state.trainData(), state.testData(), state.data(), "", List.of(), null, state.versions());
        List<String> notes = new java.util.ArrayList<>();
        JobSpec given = JobSpec.builder().dataDir("/here").checkpointDir("/ckpt").build();

        JobSpec merged = ResumePolicy.merge(withOutputs, given, Set.of("--checkpoint-dir"), notes::add);

        assertEquals(null, merged.saveModel());
        assertEquals(null, merged.runDir());
        assertEquals("/here", merged.data().dir(), "the default location, not the recorded /old");
        assertEquals(List.of("The checkpoint's job had --data-dir /old; not used on --resume: give --data-dir again to"
                + " use it", "The checkpoint's job had --save-model hdfs:///elsewhere/model.zip; not used on --resume:"
                + " give --save-model again to use it", "The checkpoint's job had --run-dir /runs/a; not used on"
                + " --resume: give --run-dir again to use it"), notes);
    }

    @Test
    void anExplicitLearningRateIsTaken() {
        JobSpec given = JobSpec.builder().lr(0.1).checkpointDir("/ckpt").build();
        assertEquals(0.1, ResumePolicy.merge(state, given, Set.of("--lr"), ignored::add).optimizer().lr());
    }

    @Test
    void anOptionThatDefinesTheTrainingCannotChange() {
        JobSpec given = JobSpec.builder().batchSize(64).checkpointDir("/ckpt").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResumePolicy.merge(state, given, Set.of("--batch-size"), ignored::add));
        assertEquals("--batch-size 64: the checkpoint was trained with 32, and it cannot change when resuming",
                e.getMessage());
        JobSpec same = JobSpec.builder().batchSize(32).checkpointDir("/ckpt").build();
        assertEquals(32, ResumePolicy.merge(state, same, Set.of("--batch-size"), ignored::add).batchSize());
    }
}
