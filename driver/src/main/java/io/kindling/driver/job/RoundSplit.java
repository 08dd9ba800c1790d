package io.kindling.driver.job;

/**
 * Where an epoch's training segments spent their time, in seconds.
 *
 * @param compute  per round, the slowest task fitting its workers' minibatches
 * @param exchange per round, the rest: reading the round's chunks, publishing, averaging and gathering
 *                 the model among the tasks, and waiting at their synchronisation points
 * @param segments per segment, what is not a round: launching its barrier stage, publishing the
 *                 starting model, building the tasks' networks, and the final model coming back
 */
public record RoundSplit(double compute, double exchange, double segments) {
    public double total() {
        return compute + exchange + segments;
    }

    public RoundSplit plus(double compute, double exchange, double segments) {
        return new RoundSplit(this.compute + compute, this.exchange + exchange, this.segments + segments);
    }
}
