package io.kindling.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kindling.driver.job.EpochResult;
import io.kindling.driver.job.EpochStats;
import io.kindling.driver.job.Metric;
import io.kindling.worker.EvalStats;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunSummaryTest {
    private static EpochResult epoch(int epoch, long correct, double seconds) {
        return new EpochResult(epoch, 1.0, new EpochStats(60000, 938, 188, 0.1, seconds, seconds), null,
                new EvalStats(500, correct, 10000), 0.5);
    }

    @Test
    void namesTheRunsEpochsSpeedBestEpochAndOutputs() {
        List<EpochResult> history = List.of(epoch(1, 9700, 80), epoch(2, 9850, 75), epoch(3, 9820, 75));
        RunSummary summary = new RunSummary(history, 2, 3725.4, Metric.TEST_ACCURACY,
                "hdfs://nn/ckpt/epoch-0003", "hdfs://nn/runs/a", "file:/tmp/m.zip");
        assertEquals(List.of(
                "Done: epochs 2-3 in 1:02:05, 120000 examples trained at 800.0 examples/s",
                "Best epoch: 2 (test_accuracy 0.9850)",
                "Newest checkpoint: hdfs://nn/ckpt/epoch-0003",
                "Metrics: hdfs://nn/runs/a (tensorboard --logdir hdfs://nn/runs/a)",
                "Model: file:/tmp/m.zip"), summary.lines());
    }

    @Test
    void theRankingMetricFollowsKeepBestElseTheTestSet() {
        assertEquals(Metric.VALIDATION_LOSS, RunSummary.rankingMetric("validation_loss", true, false));
        assertEquals(Metric.TEST_ACCURACY, RunSummary.rankingMetric("none", true, false));
        assertEquals(Metric.TEST_LOSS, RunSummary.rankingMetric("none", true, true));
        assertEquals(Metric.TRAIN_LOSS, RunSummary.rankingMetric("none", false, false));
    }

    @Test
    void aResumedJobWithNothingLeftSaysSo() {
        RunSummary summary = new RunSummary(List.of(epoch(1, 9700, 80)), 2, 4.2, Metric.TEST_ACCURACY, null, null,
                null);
        assertEquals(List.of("Done in 0:04: no epoch left to train.", "Best epoch: 1 (test_accuracy 0.9700)"),
                summary.lines());
    }
}
