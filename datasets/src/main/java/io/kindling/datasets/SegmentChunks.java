package io.kindling.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.Dependency;
import org.apache.spark.Partition;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.shuffle.ShuffleHandle;
import scala.Product2;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag$;

/**
 * The chunks of a run of averaging rounds, one partition per task of a training segment: each
 * element is one round, holding the chunk of every worker the task hosts, in epoch order. It reads
 * the epoch's shuffle directly, one (worker, round) reduce partition at a time as the task asks for
 * the next round, so a task holds one round of data however long its segment. Its only dependency
 * is the shuffle itself, so it can be the whole of a barrier stage (Spark requires every RDD of such
 * a stage to have the stage's partition count, which rules out pruning the shuffled RDD).
 */
final class SegmentChunks extends RDD<List<List<Example>>> {
    private static final long serialVersionUID = 1L;

    private final ShuffleHandle shuffle;
    private final int epochRounds;
    private final int firstRound;
    private final int rounds;
    private final int tasks;
    private final int workers;

    SegmentChunks(ShuffleDependency<Long, Example, Example> dependency, int epochRounds, int firstRound, int rounds,
                  int tasks, int workers) {
        super(dependency.rdd().context(), JavaConverters.asScalaBuffer(List.<Dependency<?>>of(dependency)).toSeq(),
                ClassTag$.MODULE$.apply(List.class));
        this.shuffle = dependency.shuffleHandle();
        this.epochRounds = epochRounds;
        this.firstRound = firstRound;
        this.rounds = rounds;
        this.tasks = tasks;
        this.workers = workers;
    }

    @Override
    public Partition[] getPartitions() {
        Partition[] partitions = new Partition[tasks];
        for (int t = 0; t < tasks; t++) {
            partitions[t] = new Task(t);
        }
        return partitions;
    }

    @Override
    public Iterator<List<List<Example>>> compute(Partition split, TaskContext context) {
        Shard hosted = Shard.split(workers, tasks).get(split.index());
        return JavaConverters.asScalaIterator(new java.util.Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < rounds;
            }

            @Override
            public List<List<Example>> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int round = firstRound + next++;
                List<List<Example>> chunks = new ArrayList<>(hosted.count());
                for (int w = hosted.first(); w < hosted.first() + hosted.count(); w++) {
                    chunks.add(read(w * epochRounds + round, context));
                }
                return chunks;
            }
        });
    }

    /** One chunk, sorted into epoch order. */
    private List<Example> read(int partition, TaskContext context) {
        Iterator<Product2<Long, Example>> keyed = SparkEnv.get().shuffleManager()
                .<Long, Example>getReader(shuffle, partition, partition + 1, context,
                        context.taskMetrics().createTempShuffleReadMetrics())
                .read();
        List<Product2<Long, Example>> all = new ArrayList<>();
        while (keyed.hasNext()) {
            all.add(keyed.next());
        }
        all.sort((a, b) -> Long.compare(a._1(), b._1()));
        List<Example> chunk = new ArrayList<>(all.size());
        for (Product2<Long, Example> p : all) {
            chunk.add(p._2());
        }
        return chunk;
    }

    /** Partition t: the rounds of the workers task t hosts. */
    private record Task(int index) implements Partition {
    }
}
