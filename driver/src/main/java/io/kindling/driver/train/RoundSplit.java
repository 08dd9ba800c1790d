package io.kindling.driver.train;

/**
 * Where an epoch's averaging rounds spent their time, in seconds summed over rounds.
 *
 * @param broadcast   the driver publishing the model and updater state, plus the slowest worker fetching it
 * @param compute     the slowest worker fitting its minibatches
 * @param aggregation the rest of each round's Spark jobs: task launch, copying the broadcast into the
 *                    network, shipping results and the pairwise merge
 * @param averaging   the driver installing the averaged model
 */
public record RoundSplit(double broadcast, double compute, double aggregation, double averaging) {
    public double total() {
        return broadcast + compute + aggregation + averaging;
    }

    /** The share of the rounds' time not spent computing, 0..1. */
    public double nonComputeShare() {
        double total = total();
        return total == 0 ? 0 : 1 - compute / total;
    }

    RoundSplit plus(double broadcast, double compute, double aggregation, double averaging) {
        return new RoundSplit(this.broadcast + broadcast, this.compute + compute, this.aggregation + aggregation,
                this.averaging + averaging);
    }
}
