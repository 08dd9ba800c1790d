package io.kindling.driver.train;

/**
 * One averaged round, over all workers, and where the epoch stands after it.
 *
 * @param round            0-based round within the epoch
 * @param rounds           rounds in this epoch
 * @param examples         examples trained this round
 * @param lossSum          sum over its minibatches of mean loss × minibatch size
 * @param minibatches      minibatches fitted this round
 * @param epochExamples    examples trained in the epoch so far, this round included
 * @param epochMinibatches minibatches fitted in the epoch so far, this round included
 * @param computeSeconds   the slowest task's fitting time
 * @param seconds          the round's wall time, from the previous round's average to this one's
 */
public record RoundStats(int round, int rounds, long examples, double lossSum, int minibatches, long epochExamples,
                         long epochMinibatches, double computeSeconds, double seconds) {
}
