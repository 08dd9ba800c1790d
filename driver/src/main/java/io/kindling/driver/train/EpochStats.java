package io.kindling.driver.train;

/**
 * Totals of one training epoch.
 *
 * @param examples        examples trained (every example of the epoch, unless a dry run)
 * @param minibatches     minibatches fitted over all workers
 * @param rounds          averaging rounds
 * @param meanLoss        example-weighted mean training loss
 * @param seconds         wall time of the epoch's training: its shuffle and its rounds
 * @param computeSeconds  sum over rounds of the slowest worker's fitting time
 * @param split           where the rounds' time went
 * @param shuffleSeconds  the epoch's global reshuffle of the examples, before the rounds
 */
public record EpochStats(long examples, long minibatches, int rounds, double meanLoss, double seconds,
                         double computeSeconds, RoundSplit split, double shuffleSeconds) {
    public EpochStats(long examples, long minibatches, int rounds, double meanLoss, double seconds,
                      double computeSeconds) {
        this(examples, minibatches, rounds, meanLoss, seconds, computeSeconds,
                new RoundSplit(0, computeSeconds, 0, 0), 0);
    }
}
