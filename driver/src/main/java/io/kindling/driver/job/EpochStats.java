package io.kindling.driver.job;

/**
 * Totals of one training epoch.
 *
 * @param examples        examples trained (every example of the epoch, unless a dry run)
 * @param minibatches     minibatches fitted over all workers
 * @param rounds          averaging rounds
 * @param meanLoss        example-weighted mean training loss
 * @param seconds         wall time of the epoch's training: its shuffle and its segments
 * @param computeSeconds  sum over rounds of the slowest task's fitting time
 * @param split           where the segments' time went
 * @param shuffleSeconds  the epoch's global reshuffle of the examples, before the rounds
 * @param segments        training segments (barrier stages) that completed
 * @param retries         segments trained again after an executor was lost
 */
public record EpochStats(long examples, long minibatches, int rounds, double meanLoss, double seconds,
                         double computeSeconds, RoundSplit split, double shuffleSeconds, int segments, int retries) {
    public EpochStats(long examples, long minibatches, int rounds, double meanLoss, double seconds,
                      double computeSeconds) {
        this(examples, minibatches, rounds, meanLoss, seconds, computeSeconds, new RoundSplit(computeSeconds, 0, 0),
                0, 0, 0);
    }

    /** The share of the epoch's wall time not spent fitting, 0..1. */
    public double nonComputeShare() {
        return seconds <= 0 ? 0 : Math.max(0, 1 - computeSeconds / seconds);
    }
}
