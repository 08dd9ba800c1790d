package io.kindling.driver.train;

import io.kindling.worker.RoundResult;

/** Told after every averaging round; progress lines and tests listen here. */
@FunctionalInterface
public interface RoundListener {
    /**
     * @param round   0-based round within the epoch
     * @param rounds  rounds in this epoch
     * @param result  the merged result of the round; its arrays may be reused once the call returns
     * @param seconds wall time of the round on the driver
     */
    void onRound(int epoch, int round, int rounds, RoundResult result, double seconds);

    RoundListener NONE = (epoch, round, rounds, result, seconds) -> { };
}
