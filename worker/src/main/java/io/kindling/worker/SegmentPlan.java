package io.kindling.worker;

import io.kindling.datasets.Shard;
import java.io.Serializable;
import java.util.List;

/**
 * What the tasks of one training segment are told: which rounds of which epoch they train, how
 * the workers are spread over them, the learning rate, and where the driver's coordinator listens.
 *
 * @param coordinator      the name of the driver's RPC endpoint that synchronises the tasks
 * @param blocks           a prefix unique to the job for the names of the segment's blocks
 * @param segment          the segment's id: a new one for every attempt
 * @param firstRound       the first round (0-based within the epoch) and how many may follow: task 0
 *                         ends the segment sooner, after {@code seconds}, and tells the others in its
 *                         contributions
 * @param tasks            tasks of the barrier stage; each hosts a contiguous run of workers
 * @param workers          the job's workers: model copies averaged every round
 * @param averagesUpdaterState   whether rounds average the updater state with the parameters; if not,
 *                         each worker keeps its own until the segment averages them at its end
 * @param seconds          about how long the segment trains: the first round task 0 starts after
 *                         this long is its last
 */
public record SegmentPlan(String coordinator, String blocks, long segment, int epoch, int firstRound, int rounds,
                          int tasks, int workers, double learningRate, boolean averagesUpdaterState,
                          double seconds)
        implements Serializable {

    /** The workers task {@code task} hosts. */
    public Shard hosted(int task) {
        return Shard.split(workers, tasks).get(task);
    }

    /** For each worker, the task hosting it. */
    public int[] hostOf() {
        int[] host = new int[workers];
        List<Shard> shards = Shard.split(workers, tasks);
        for (int t = 0; t < tasks; t++) {
            for (int w = shards.get(t).first(); w < shards.get(t).first() + shards.get(t).count(); w++) {
                host[w] = t;
            }
        }
        return host;
    }

    /** The id of the end-of-segment average of the updater states, after the last round's (local states only). */
    public int stateRound() {
        return firstRound + rounds;
    }
}
