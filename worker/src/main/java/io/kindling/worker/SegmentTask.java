package io.kindling.worker;

import io.kindling.datasets.Example;
import io.kindling.datasets.Shard;
import io.kindling.worker.exchange.AllReduce;
import io.kindling.worker.exchange.Rendezvous;
import io.kindling.worker.exchange.SyncMessage;
import io.kindling.worker.optim.LearningRates;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction1;

/**
 * One task of a training segment, a barrier stage that lives for many averaging rounds. The task
 * builds its network once, loads the segment's starting model, and then for every round fits the
 * round's chunk of each worker it hosts (k minibatches, or fewer at the end of a slice) and averages
 * with the other tasks ({@link AllReduce}); its network then holds the average and goes on. Task 0
 * hands the final model back to the driver.
 */
public final class SegmentTask extends AbstractFunction1<Iterator<List<List<Example>>>, Iterator<SegmentResult>>
        implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SegmentTask.class);

    private final Broadcast<WorkerConfig> config;
    private final Broadcast<ModelState> start;
    private final SegmentPlan plan;

    public SegmentTask(Broadcast<WorkerConfig> config, Broadcast<ModelState> start, SegmentPlan plan) {
        this.config = config;
        this.start = start;
        this.plan = plan;
    }

    @Override
    public Iterator<SegmentResult> apply(Iterator<List<List<Example>>> rounds) {
        SegmentResult result = run(TaskContext.get(), JavaConverters.asJavaIterator(rounds));
        return JavaConverters.asScalaIterator(List.of(result).iterator());
    }

    private SegmentResult run(TaskContext context, java.util.Iterator<List<List<Example>>> rounds) {
        long began = System.nanoTime();
        WorkerConfig cfg = config.value();
        int task = context.partitionId();
        Shard hosted = plan.hosted(task);
        Backend.useThreads(cfg.threadsPerTask());
        GpuBinding.bindTaskGpu();
        MultiLayerNetwork net = Networks.build(cfg);
        LearningRates.set(net, plan.learningRate());
        start.value().applyTo(net);
        net.setEpochCount(plan.epoch() - 1);

        boolean averagedState = plan.averagesUpdaterState();
        FlatVector model = FlatVector.of(net, averagedState);
        // A task hosting several workers trains them one after another from the round's average.
        FlatVector roundStart = hosted.count() > 1 ? FlatVector.onHeap(model.length()) : null;
        // Workers keeping their own optimiser state, when a task hosts several: kept here between turns.
        FlatVector netState = !averagedState && hosted.count() > 1 ? FlatVector.updaterState(net) : null;
        FlatVector[] ownStates = new FlatVector[hosted.count()];
        for (int h = 0; netState != null && h < hosted.count(); h++) {
            ownStates[h] = FlatVector.onHeap(netState.length());
            netState.copyTo(ownStates[h]);
        }
        long[] examplesTrained = new long[hosted.count()];
        MinibatchAssembler assembler = cfg.assembler();
        Trace trace = cfg.traceExamples() ? new Trace() : null;

        Rendezvous driver = Rendezvous.connect(plan.coordinator(), context);
        try (Prefetch<List<List<Example>>> chunks = new Prefetch<>(rounds, context);
             AllReduce exchange = AllReduce.join(driver, context, plan.blocks(), plan.segment(), task, plan.hostOf(),
                     plan.seconds())) {
            long joined = System.nanoTime();
            long roundBegan = joined;
            long readNanos = 0;
            long fitNanos = 0;
            boolean more = true;
            int done = 0; // rounds trained
            for (; more && done < plan.rounds(); done++) {
                int round = plan.firstRound() + done;
                long reading = System.nanoTime();
                List<List<Example>> chunksOfRound = chunks.next(done + 1 < plan.rounds());
                readNanos += System.nanoTime() - reading;
                int iteration = net.getIterationCount();
                if (roundStart != null) {
                    model.copyTo(roundStart);
                }
                Fit total = Fit.NONE;
                for (int h = 0; h < hosted.count(); h++) {
                    int worker = hosted.first() + h;
                    if (h > 0) {
                        roundStart.copyTo(model);
                        net.setIterationCount(iteration);
                    }
                    if (netState != null) {
                        ownStates[h].copyTo(netState);
                    }
                    Fit fit = fit(net, cfg, assembler, chunksOfRound.get(h), round, worker, trace);
                    if (netState != null) {
                        netState.copyTo(ownStates[h]);
                    }
                    examplesTrained[h] += fit.examples();
                    exchange.contribute(round, worker, model, new AllReduce.Fitted(fit.examples(), fit.minibatches(),
                            fit.lossSum(), fit.nanos()));
                    total = total.plus(fit);
                }
                AllReduce.Average average = exchange.average(round, model);
                long averaged = System.nanoTime();
                if (task == 0) { // it saw every worker's numbers for the round
                    driver.report(new SyncMessage(SyncMessage.Kind.TRAINED, plan.segment(), round, task,
                            average.examples(), average.lossSum(), average.minibatches(), average.maxComputeNanos(),
                            averaged - roundBegan));
                }
                roundBegan = averaged;
                net.setIterationCount(iteration + average.maxSteps());
                fitNanos += total.nanos();
                more = average.more();
            }
            if (!averagedState) {
                averageUpdaterStates(exchange, net, hosted, ownStates, examplesTrained);
                if (task == 0) {
                    driver.report(new SyncMessage(SyncMessage.Kind.TRAINED, plan.segment(), plan.stateRound(), task,
                            0, 0, 0, 0, System.nanoTime() - roundBegan));
                }
            }
            exchange.finish();
            log(task, hosted, done, exchange, (joined - began) / 1e9, readNanos / 1e9, fitNanos / 1e9,
                    (System.nanoTime() - began) / 1e9);
        }
        return new SegmentResult(task == 0 ? ModelState.of(net) : null, trace == null ? null : trace.indices());
    }

    private void log(int task, Shard hosted, int rounds, AllReduce exchange, double start, double read, double fit,
                     double total) {
        LOG.info(String.format(Locale.ROOT, "segment %d, epoch %d, rounds %d-%d, task %d of %d (workers %d-%d): %.2f s:"
                        + " start %.2f s, read %.2f s, fit %.2f s, push %.2f s, wait %.2f s, reduce %.2f s, gather %.2f s,"
                        + " settle %.2f s;"
                        + " %.1f MB received", plan.segment(), plan.epoch(), plan.firstRound() + 1,
                plan.firstRound() + rounds, task, plan.tasks(), hosted.first(), hosted.first() + hosted.count() - 1,
                total, start, read, fit, exchange.seconds(AllReduce.Phase.PUSH), exchange.seconds(AllReduce.Phase.WAIT),
                exchange.seconds(AllReduce.Phase.REDUCE), exchange.seconds(AllReduce.Phase.GATHER),
                exchange.seconds(AllReduce.Phase.SETTLE),
                exchange.bytesReceived() / 1e6));
    }

    /** The example-weighted mean of the workers' own updater states, into {@code net}'s. */
    private void averageUpdaterStates(AllReduce exchange, MultiLayerNetwork net, Shard hosted,
                                      FlatVector[] ownStates, long[] examplesTrained) {
        int round = plan.stateRound();
        FlatVector state = FlatVector.updaterState(net);
        for (int h = 0; h < hosted.count(); h++) {
            exchange.contribute(round, hosted.first() + h, ownStates[h] != null ? ownStates[h] : state,
                    new AllReduce.Fitted(examplesTrained[h], 0, 0, 0));
        }
        exchange.average(round, state);
    }

    /** Fits {@code chunk} in minibatches, with dropout seeded by (seed, epoch, round, worker). */
    private Fit fit(MultiLayerNetwork net, WorkerConfig cfg, MinibatchAssembler assembler, List<Example> chunk,
                    int round, int worker, Trace trace) {
        Nd4j.getRandom().setSeed(TaskSeeds.of(cfg.seed(), plan.epoch(), round, worker));
        int batch = cfg.batchSize();
        double lossSum = 0;
        int minibatches = 0;
        long start = System.nanoTime();
        for (int from = 0; from < chunk.size(); from += batch) {
            int to = Math.min(from + batch, chunk.size());
            DataSet minibatch = assembler.assemble(chunk, from, to, true, plan.epoch());
            net.fit(minibatch);
            lossSum += net.score() * (to - from);
            minibatches++;
        }
        if (trace != null) {
            chunk.forEach(e -> trace.add(e.index()));
        }
        return new Fit(chunk.size(), lossSum, minibatches, System.nanoTime() - start);
    }

    /** What fitting one or more chunks came to. */
    private record Fit(long examples, double lossSum, int minibatches, long nanos) {
        static final Fit NONE = new Fit(0, 0, 0, 0);

        Fit plus(Fit other) {
            return new Fit(examples + other.examples, lossSum + other.lossSum, minibatches + other.minibatches,
                    nanos + other.nanos);
        }
    }

    /** The indices of the examples trained, in order. */
    private static final class Trace {
        private int[] indices = new int[1024];
        private int size;

        void add(int index) {
            if (size == indices.length) {
                indices = Arrays.copyOf(indices, 2 * size);
            }
            indices[size++] = index;
        }

        int[] indices() {
            return Arrays.copyOf(indices, size);
        }
    }
}
