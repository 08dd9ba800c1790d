package io.kindling.datasets;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.PartitionPruningRDD;
import scala.Tuple2;
import scala.runtime.AbstractFunction1;

/**
 * The global reshuffle of an epoch, like PyTorch's DistributedSampler: every example goes through
 * one Spark shuffle to the chunk {@link EpochPlan} assigns its position in the epoch's permutation.
 * The shuffle's output stays on the executors' disks for the epoch; a training segment's tasks then
 * read one round's chunks at a time ({@link SegmentChunks}), so a task holds k minibatches, never a
 * worker's whole slice, and an epoch works on data larger than memory.
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
        JavaPairRDD<Long, Example> chunks = examples
                .mapToPair(e -> new Tuple2<>(permutation.apply(e.index()), e))
                .filter(t -> plan.partitionOf(t._1()) >= 0)
                .partitionBy(new ChunkPartitioner(plan));
        return new EpochShuffle(chunks, plan);
    }

    public EpochPlan plan() {
        return plan;
    }

    /**
     * Writes the shuffle now, in a job of its own, so that the segments only read it: the job's one
     * task opens chunk 0 and reads nothing from it.
     */
    public void prepare() {
        PartitionPruningRDD<Tuple2<Long, Example>> first = PartitionPruningRDD.create(chunks.rdd(),
                new RoundFilter(plan.partitions(), 0));
        JavaRDD.fromRDD(first, chunks.classTag()).mapPartitions(keyed -> Collections.emptyIterator(), true).count();
    }

    /**
     * The chunks of rounds {@code [firstRound, firstRound + rounds)} for a training segment of
     * {@code tasks} tasks: partition t holds, round after round, the chunks of the workers task t
     * hosts ({@link Shard#split} of the workers over the tasks).
     */
    @SuppressWarnings("unchecked")
    public JavaRDD<List<List<Example>>> segment(int firstRound, int rounds, int tasks) {
        ShuffleDependency<Long, Example, Example> dependency =
                (ShuffleDependency<Long, Example, Example>) chunks.rdd().dependencies().head();
        SegmentChunks segment = new SegmentChunks(dependency, plan.rounds(), firstRound, rounds, tasks,
                plan.workers());
        return JavaRDD.fromRDD(segment, segment.elementClassTag());
    }

    /** Keeps the partitions of one round; Spark ships it with the tasks, so it is a serializable class. */
    static final class RoundFilter extends AbstractFunction1<Object, Object> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int rounds;
        private final int round;

        RoundFilter(int rounds, int round) {
            this.rounds = rounds;
            this.round = round;
        }

        @Override
        public Object apply(Object partition) {
            return (Integer) partition % rounds == round;
        }
    }

    /** Sends position p to its chunk's partition. */
    static final class ChunkPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final EpochPlan plan;

        ChunkPartitioner(EpochPlan plan) {
            this.plan = plan;
        }

        @Override
        public int numPartitions() {
            return plan.partitions();
        }

        @Override
        public int getPartition(Object key) {
            return plan.partitionOf((Long) key);
        }
    }
}
