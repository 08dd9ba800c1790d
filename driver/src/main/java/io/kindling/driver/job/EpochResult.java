package io.kindling.driver.job;

import io.kindling.worker.EvalStats;

/**
 * One epoch of a job: its learning rate, training totals, validation and test metrics (null when
 * the job has no such set) and the seconds its checkpoint took to write (0 without checkpoints). The
 * history saved in checkpoints is a list of these.
 */
public record EpochResult(int epoch, double lr, EpochStats train, EvalStats validation, EvalStats test,
                          double checkpointSeconds) {
    public EpochResult withCheckpointSeconds(double seconds) {
        return new EpochResult(epoch, lr, train, validation, test, seconds);
    }
}
