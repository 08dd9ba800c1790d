package io.kindling.driver.metrics;

import io.kindling.driver.job.EpochResult;

/** Where a training job reports its metrics: every log interval and every finished epoch. */
public interface MetricsSink extends AutoCloseable {
    void train(TrainPoint point);

    /** An epoch's results, its checkpoint included; {@code step} as in {@link TrainPoint#step()}. */
    void epoch(EpochResult result, long step);

    @Override
    void close();

    MetricsSink NONE = new MetricsSink() {
        @Override
        public void train(TrainPoint point) {
        }

        @Override
        public void epoch(EpochResult result, long step) {
        }

        @Override
        public void close() {
        }
    };
}
