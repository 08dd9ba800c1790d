package io.kindling.driver.train;

import io.kindling.worker.EvalStats;

/** One epoch of a job: its learning rate, training totals and test metrics. */
public record EpochResult(int epoch, double lr, EpochStats train, EvalStats test) {
}
