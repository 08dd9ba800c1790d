package io.kindling.driver.train;

/** Told, on the driver's main thread, as training rounds are averaged; progress lines and tests listen here. */
public interface RoundListener {
    /** Round {@code round.round()} of the epoch is averaged. */
    default void onRound(int epoch, RoundStats round) {
    }

    /**
     * A segment's job failed with an executor lost, and rounds {@code [first, end)} are trained again
     * from the segment's start; the next rounds reported are those again.
     */
    default void onRetry(int epoch, int first, int end, String reason, int attempt, int attempts) {
    }

    /** The indices of the examples a segment trained, when the job traces them. */
    default void onTrained(int epoch, int[] indices) {
    }

    RoundListener NONE = new RoundListener() {
    };
}
