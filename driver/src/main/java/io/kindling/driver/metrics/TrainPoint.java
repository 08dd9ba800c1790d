package io.kindling.driver.metrics;

/**
 * Training progress at one log interval.
 *
 * @param epoch             the epoch, from 1
 * @param step              minibatches fitted since the job began (all workers, resumed epochs included):
 *                          the x axis of the training curves, like {@code epoch * len(loader) + batch_idx}
 * @param examples          examples trained so far in this epoch
 * @param epochExamples     examples the epoch trains
 * @param loss              mean training loss of the latest round
 * @param lr                the epoch's learning rate
 * @param examplesPerSecond training speed since the epoch began
 * @param etaSeconds        estimated seconds left in the epoch's training
 */
public record TrainPoint(int epoch, long step, long examples, long epochExamples, double loss, double lr,
                         double examplesPerSecond, double etaSeconds) {
}
