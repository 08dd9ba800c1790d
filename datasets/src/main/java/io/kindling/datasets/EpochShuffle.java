package io.kindling.datasets;

import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.ShuffledRDD;
import scala.Tuple2;

/**
 * The global reshuffle of an epoch, like PyTorch's DistributedSampler: every example goes through
 * one Spark shuffle to the chunk {@link EpochPlan} assigns its position in the epoch's permutation.
 * The shuffle's output stays on the executors' disks for the epoch; a training segment's tasks then
 * read one round's chunks at a time ({@link SegmentChunks}), so a task holds k minibatches, never a
 * worker's whole slice, and an epoch works on data larger than memory.
 *
 * <p>The shuffle has more partitions than Spark's bypass threshold
 * ({@code spark.shuffle.sort.bypassMergeThreshold}), empty ones past the chunks where needed: below
 * it, each map task opens one file per chunk and then concatenates them, which took twice the CPU of
 * writing one file sorted by chunk. Its records are written by {@link ShuffleRecordSerializer}, so
 * Spark sorts them serialized (BENCHMARKS.md, "The epoch's shuffle").
 */
public final class EpochShuffle {
    /** Permutation stream reserved for the validation split; epochs use their own number. */
    public static final long SPLIT_STREAM = -1;

    private final JavaPairRDD<Long, Example> chunks;
    private final EpochPlan plan;

    private EpochShuffle(JavaPairRDD<Long, Example> chunks, EpochPlan plan) {
        this.chunks = chunks;
        this.plan = plan;
    }

    /** Shuffles {@code examples} (indices 0..n-1) for {@code epoch}; nothing runs until a round reads it. */
    public static EpochShuffle of(JavaRDD<Example> examples, long n, EpochPlan plan, long seed, int epoch) {
        Permutation permutation = Permutation.of(n, seed, epoch);
        JavaPairRDD<Long, Example> keyed = examples
                .mapToPair(e -> new Tuple2<>(permutation.apply(e.index()), e))
                .filter(t -> plan.partitionOf(t._1()) >= 0);
        ChunkPartitioner chunks = new ChunkPartitioner(plan, Math.max(plan.partitions(),
                examples.context().getConf().getInt("spark.shuffle.sort.bypassMergeThreshold", 200) + 1));
        ShuffledRDD<Long, Example, Example> shuffled = new ShuffledRDD<>(keyed.rdd(), chunks, keyed.kClassTag(),
                keyed.vClassTag(), keyed.vClassTag());
        shuffled.setSerializer(new ShuffleRecordSerializer());
        return new EpochShuffle(JavaPairRDD.fromRDD(shuffled, keyed.kClassTag(), keyed.vClassTag()), plan);
    }

    public EpochPlan plan() {
        return plan;
    }

    /** Writes the shuffle now, in a map stage of its own, so that the segments only read it. */
    public void prepare() {
        try {
            chunks.context().submitMapStage(dependency()).get();
        } catch (SparkException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * The chunks of rounds {@code [firstRound, firstRound + rounds)} for a training segment of
     * {@code tasks} tasks: partition t holds, round after round, the chunks of the workers task t
     * hosts ({@link Shard#split} of the workers over the tasks).
     */
    public JavaRDD<List<List<Example>>> segment(int firstRound, int rounds, int tasks) {
        SegmentChunks segment = new SegmentChunks(dependency(), plan.rounds(), firstRound, rounds, tasks,
                plan.workers());
        return JavaRDD.fromRDD(segment, segment.elementClassTag());
    }

    @SuppressWarnings("unchecked")
    private ShuffleDependency<Long, Example, Example> dependency() {
        return (ShuffleDependency<Long, Example, Example>) chunks.rdd().dependencies().head();
    }

    /** Sends position p to its chunk's partition, of {@code partitions} (the chunks, or more). */
    static final class ChunkPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final EpochPlan plan;
        private final int partitions;

        ChunkPartitioner(EpochPlan plan, int partitions) {
            this.plan = plan;
            this.partitions = partitions;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            return plan.partitionOf((Long) key);
        }
    }
}
