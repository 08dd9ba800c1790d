package io.kindling.worker.exchange;

/**
 * What a task tells the driver's coordinator of a segment. After each round's average task 0
 * reports ({@link Kind#TRAINED}) the counts and losses the progress lines need, over all workers,
 * and how long fitting took; the driver sees only these, never parameters. On the wire it is a
 * {@code long[]}: executors read the driver's replies with Spark's own class loader and the driver
 * reads these with whichever loaded Spark, so only JDK types cross.
 *
 * @param examples     examples trained by all workers this round (TRAINED only)
 * @param lossSum      sum over their minibatches of mean loss × minibatch size
 * @param minibatches  minibatches fitted
 * @param computeNanos the longest any task spent fitting, its workers together
 * @param roundNanos   the round's wall time on the task, from its last average (or its joining the
 *                     segment) to this one's: durations, not instants, since hosts' clocks differ
 */
public record SyncMessage(Kind kind, long segment, int round, int task, long examples, double lossSum,
                          int minibatches, long computeNanos, long roundNanos) {
    /** A round's report, and the segment's end. */
    public enum Kind {
        /** The round is averaged: its totals, from task 0. */
        TRAINED,
        /** The task has its last average and every push of its has arrived: servers may close. */
        DONE
    }

    private static final int LENGTH = 9;

    public static SyncMessage done(long segment, int task) {
        return new SyncMessage(Kind.DONE, segment, -1, task, 0, 0, 0, 0, 0);
    }

    public long[] toWire() {
        return new long[] {kind.ordinal(), segment, round, task, examples, Double.doubleToRawLongBits(lossSum),
            minibatches, computeNanos, roundNanos};
    }

    /** The message of a wire form, or null when {@code message} is not one. */
    public static SyncMessage fromWire(Object message) {
        if (!(message instanceof long[] w) || w.length != LENGTH || w[0] < 0 || w[0] >= Kind.values().length) {
            return null;
        }
        return new SyncMessage(Kind.values()[(int) w[0]], w[1], (int) w[2], (int) w[3], w[4],
                Double.longBitsToDouble(w[5]), (int) w[6], w[7], w[8]);
    }

    /** What a task sends at a segment's start: its address. The reply lists every task's, in task order. */
    public record Hello(long segment, int task, String peer) {
        public String toWire() {
            return "hello " + segment + " " + task + " " + peer;
        }

        /** The hello of a wire form, or null when {@code message} is not one. */
        public static Hello fromWire(Object message) {
            if (!(message instanceof String s) || !s.startsWith("hello ")) {
                return null;
            }
            String[] words = s.split(" ", 4);
            return words.length == 4 ? new Hello(Long.parseLong(words[1]), Integer.parseInt(words[2]), words[3]) : null;
        }
    }
}
