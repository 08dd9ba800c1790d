package io.kindling.worker.exchange;

import io.kindling.worker.FlatVector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;

/**
 * The example-weighted average of the workers' model vectors, computed by the tasks of a training
 * segment among themselves: a reduce-scatter, then an all-gather. The vector is cut into one slice
 * per task; every worker pushes its vector's slices to their owners ({@link PeerTransport}); the
 * owner of each slice averages it as the workers' pieces arrive and pushes the average to every other
 * task. Each task sends and receives about twice the vector per round whatever the number of tasks.
 * Nobody asks for anything or waits at a barrier: a task waits only for the bytes it needs, in its
 * own {@link Inbox}. Every contribution's header carries its worker's numbers for the round
 * (examples, minibatches, loss, fitting time), so task 0, which averages slice 0 of every worker,
 * knows the round's totals and alone reports them to the driver, one message a round whatever the
 * number of tasks. Task 0 also decides when the segment ends (after about its target time): the flag
 * travels in the header of every contribution its workers push. A task may host several workers (more workers than
 * task slots); their contributions are averaged individually, in worker order, so the result does not
 * depend on how workers are spread over tasks.
 *
 * <p>With two tasks (or one) and a vector of at most {@link #WHOLE} values, each task instead pushes
 * its whole contribution to the other and averages every value itself: the same bytes each way,
 * one hop fewer per round, the same bits. Contributions then go in place too, and the task writes
 * the average over them once its pushes have completed.
 *
 * <p>Each value is touched as few times as can be: the owner of a slice averages it straight into
 * its model and pushes the average from there (the pushes complete before the next round changes
 * the model); the other tasks' averages land straight in the model as they come off the socket
 * ({@link Inbox#expect}). A peer of the same executor is handed blocks as they are and reads them
 * after the push completes ({@link PeerTransport#handsOverTo}): a task with such a peer averages into
 * buffers of its own, and copies its whole contributions, alternating between two sets of buffers,
 * since a push of one round may still be read while the task trains the next.
 *
 * <p>Slices travel in pieces of at most {@link #PIECE} values, one push each: averaging a piece
 * overlaps with the next ones arriving. A block is a header and then the values, little-endian
 * ({@link Inbox}).
 */
public final class AllReduce implements AutoCloseable {
    /**
     * Values per block: 1 MiB. Measured with pushes on two executors of one machine: 256 KB pieces
     * made the MNIST CNN's rounds 1-3 ms slower and the MLP's about 1 ms faster, within the noise.
     */
    static final int PIECE = 1 << 18;
    /**
     * The largest vector two tasks average whole, each on its own: 8 MiB. Measured on two executors
     * on one machine: with fetches, whole took 18 ms a round against 23 ms sliced for a 2.4 MB
     * vector, where latency rules; with pushes, the 14.4 MB of the MNIST CNN take 21 ms a round
     * sliced against 24 ms whole, where the passes over the bytes do (twice the averaging each).
     */
    static final long WHOLE = 1 << 21;
    private static final int HEADER = Inbox.HEADER;
    private static final int MORE = 1; // flags: the segment goes on after this round (task 0's word)
    /**
     * How long a task goes on waiting after one of its pushes, or a push to it, failed before it fails
     * itself. A peer that failed on its own (a bad record) closes its connections at once, and Spark
     * then ends this task too: the stage's failure must be the peer's, not this transfer's, or it
     * would read as an executor lost and be retried.
     */
    private static final long PUSH_FAILURE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Rendezvous rendezvous;
    private final Inbox inbox;
    private final PeerTransport transport;
    private final String prefix;
    private final long segment;
    private final int task;
    private final Peer[] peers;
    private final int[] hostOf;
    private final int hostedHere; // workers this task hosts
    // Whether some other task is of this executor and gets blocks handed over as they are: the
    // buffers this task pushes must then stay as they are until it has read them.
    private final boolean handsOver;
    private final java.util.Set<String> landing = new java.util.HashSet<>(); // averages expected into the model
    private FlatVector landingIn; // the model they land in
    private final double seconds;
    private final long joinedNanos;
    private final WeightedMean mean = new WeightedMean();
    private final ByteBuffer gathered = BlockReader.gatherBuffer();
    // Buffers reused from round to round, once the pushes that read them have completed.
    private final Map<Integer, Piece[][][]> contributions = new HashMap<>(); // worker → [set][slice][piece]
    private ByteBuffer[] reduced = new ByteBuffer[0]; // this task's averaged slice, by piece
    private final List<List<CompletableFuture<Void>>> pushed = List.of(new ArrayList<>(), new ArrayList<>()); // by set
    private final List<CompletableFuture<Void>> pushedAverages = new ArrayList<>();
    private final long[] nanos = new long[Phase.values().length];
    private long bytesReceived;
    private int exchanges; // averages completed
    private int lastContribution = Integer.MIN_VALUE; // the round contributed to last
    private boolean more = true; // task 0's decision for that round
    private long pushFailedAt; // when a push of this task was first seen failed; 0: none

    /** The parts of a round's exchange, timed for the task's log. */
    public enum Phase {
        /** copying the workers' vectors where they must be copied, and pushing them */
        PUSH,
        /** waiting for other tasks' blocks: for the slowest worker's fitting, mostly */
        WAIT,
        /** averaging this task's slice and writing it into the model */
        REDUCE,
        /** writing the averaged slices of the other tasks into the model */
        GATHER,
        /**
         * waiting for this task's pushes from the model to complete before it writes over them: a
         * whole contribution's push, or the last round's pushes of averages
         */
        SETTLE
    }

    /**
     * One piece of a worker's contribution: its block's bytes, or its header when the values are
     * pushed in place ({@code values}, a view of the network's own memory).
     */
    private record Piece(ByteBuffer bytes, ByteBuffer values) {
        ByteBuffer[] chunks() {
            return values == null ? new ByteBuffer[] {bytes} : new ByteBuffer[] {bytes, values};
        }

        ByteBuffer header() {
            return bytes.duplicate().position(0).limit(HEADER);
        }

        /** The values: the view itself when in place (a peer of the same executor may get it as it is). */
        ByteBuffer body() {
            return values != null ? values : bytes.duplicate().position(HEADER);
        }
    }

    private AllReduce(Rendezvous rendezvous, Inbox inbox, PeerTransport transport, String prefix, long segment,
                      int task, Peer[] peers, int[] hostOf, double seconds) {
        this.rendezvous = rendezvous;
        this.inbox = inbox;
        this.transport = transport;
        this.prefix = prefix;
        this.segment = segment;
        this.task = task;
        this.peers = peers;
        this.hostOf = hostOf;
        this.hostedHere = (int) java.util.Arrays.stream(hostOf).filter(host -> host == task).count();
        boolean any = false;
        for (int t = 0; t < peers.length; t++) {
            any |= t != task && transport.handsOverTo(peers[t]);
        }
        this.handsOver = any;
        this.seconds = seconds;
        this.joinedNanos = System.nanoTime();
    }

    /**
     * Joins the segment: starts this task's end of the exchange, tells the driver its address and
     * learns every other task's.
     *
     * @param prefix  a name unique to the job, which every block of the segment's tasks starts with
     * @param hostOf  for each worker, the task hosting it
     * @param seconds task 0 ends the segment after the first round it starts this long after joining
     */
    public static AllReduce join(Rendezvous rendezvous, TaskContext context, String prefix, long segment, int task,
                                 int[] hostOf, double seconds) {
        String name = prefix + "-" + segment;
        Inbox inbox = new Inbox(context, PIECE);
        PeerTransport transport = PeerTransport.start(inbox, name + "-");
        try {
            String[] addresses = rendezvous.hello(new SyncMessage.Hello(segment, task, transport.self().toString()));
            Peer[] peers = new Peer[addresses.length];
            for (int t = 0; t < addresses.length; t++) {
                peers[t] = Peer.parse(addresses[t]);
            }
            return new AllReduce(rendezvous, inbox, transport, name, segment, task, peers, hostOf, seconds);
        } catch (RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    /**
     * The averaged round's totals over all workers (the loss and fitting times as far as this task
     * saw them: complete on task 0), and whether the segment goes on after it.
     *
     * @param maxComputeNanos the longest any task spent fitting, its workers' fits added up
     */
    public record Average(long examples, int maxSteps, boolean more, int minibatches, double lossSum,
                          long maxComputeNanos) {
    }

    /** What a worker's fit of the round came to, as its contribution's header carries it. */
    public record Fitted(long examples, int minibatches, double lossSum, long nanos) {
    }

    /**
     * Pushes worker {@code worker}'s vector as its contribution to round {@code round}, weighted
     * by {@code examples} (none: it takes no part in the average). Every worker the task hosts
     * contributes to every round, with 0 examples when it had none. When the task hosts one worker
     * and the vector is averaged in slices, its values are pushed in place: the vector must not
     * change until {@link #average} returns (a task hosting several workers may reload its network
     * between them: their vectors are copied).
     */
    public void contribute(int round, int worker, FlatVector vector, Fitted fitted) {
        long examples = fitted.examples();
        long start = System.nanoTime();
        long length = vector.length();
        int slices = slices(length);
        boolean inPlace = inPlace(length);
        int set = set(length);
        if (round != lastContribution) { // the last pushes from these buffers are long done: make sure
            awaitAll(pushed.get(set));
            lastContribution = round;
            if (task == 0) {
                more = (System.nanoTime() - joinedNanos) / 1e9 < seconds;
            }
            if (slices > 1 && hostedHere == 1) {
                expectAverages(round, vector);
            }
        }
        int flags = task == 0 && more ? MORE : 0;
        Piece[][] ofWorker = contributions.computeIfAbsent(worker, w -> new Piece[2][][])[set];
        if (ofWorker == null || ofWorker.length != slices) {
            ofWorker = contributions.get(worker)[set] = new Piece[slices][];
        }
        for (int j = 0; j < slices; j++) {
            int pieces = pieces(length, j);
            if (ofWorker[j] == null || ofWorker[j].length != pieces) {
                ofWorker[j] = new Piece[pieces];
            }
            for (int p = 0; p < pieces; p++) {
                int n = examples > 0 ? pieceLength(length, j, p) : 0;
                ByteBuffer values = inPlace && n > 0 ? vector.view(pieceStart(length, j, p), n) : null;
                ByteBuffer bytes = fit(ofWorker[j][p] == null ? null : ofWorker[j][p].bytes(),
                        HEADER + (values == null ? n * Float.BYTES : 0));
                bytes.putLong(examples).putInt(fitted.minibatches()).putInt(n).putInt(flags)
                        .putDouble(fitted.lossSum()).putLong(fitted.nanos());
                if (values == null) {
                    vector.read(pieceStart(length, j, p), bytes);
                }
                bytes.flip();
                Piece piece = ofWorker[j][p] = new Piece(bytes, values);
                for (int t = 0; t < peers.length; t++) {
                    if (t != task && (slices == 1 || t == j)) { // task t averages slice j
                        pushed.get(set).add(transport.send(peers[t], contributionName(round, worker, j, p),
                                piece.header(), piece.body()));
                    }
                }
            }
        }
        nanos[Phase.PUSH.ordinal()] += System.nanoTime() - start;
    }

    /**
     * The averaged slices of the other tasks are to land straight in {@code vector}, the model this
     * task contributes, where they come over the network: the pushes of its contribution that they
     * overwrite have completed by the time any arrives, since each is the average of one.
     */
    private void expectAverages(int round, FlatVector vector) {
        long length = vector.length();
        landingIn = vector;
        for (int j = 0; j < peers.length; j++) {
            for (int p = 0; j != task && !transport.handsOverTo(peers[j]) && p < pieces(length, j); p++) {
                ByteBuffer zone = vector.view(pieceStart(length, j, p), pieceLength(length, j, p));
                if (zone != null) {
                    String name = averageName(round, j, p);
                    inbox.expect(name, zone);
                    landing.add(name);
                }
            }
        }
    }

    /**
     * Averages this task's slice as the workers' pieces arrive, pushes it to the other tasks and
     * gathers theirs: {@code into} then holds the average. A task hosting one worker averages into
     * the vector it contributed.
     */
    public Average average(int round, FlatVector into) {
        if (!landing.isEmpty() && into != landingIn) {
            throw new IllegalStateException("round " + round + " is averaged into another vector than contributed");
        }
        int slices = slices(into.length());
        Average average = reduce(round, slices == 1 ? 0 : task, into);
        if (slices > 1) {
            gather(round, into);
        }
        if (!handsOver) { // the averages went from the model's memory, which the next round changes
            settle(pushedAverages);
        }
        exchanges++;
        return average;
    }

    /**
     * Averages slice {@code slice}, piece by piece as the workers' pieces arrive, into {@code into},
     * and pushes it to the other tasks when they gather it.
     */
    private Average reduce(int round, int slice, FlatVector into) {
        long length = into.length();
        int workers = hostOf.length;
        int pieces = pieces(length, slice);
        boolean sliced = slices(length) > 1;
        if (sliced) { // the pieces' buffers are reused below: the last round's pushes of them are done
            settle(pushedAverages);
        } else if (inPlace(length)) { // the average overwrites what the pushes send
            settle(pushed.get(set(length)));
        }
        if (reduced.length != pieces) {
            reduced = new ByteBuffer[pieces];
        }
        double[] weights = new double[workers];
        long total = 0;
        int maxSteps = 0;
        int minibatches = 0;
        double lossSum = 0;
        long[] taskNanos = new long[peers.length];
        boolean goesOn = more;
        List<ByteBuffer[]> received = new ArrayList<>(workers);
        try {
            for (int p = 0; p < pieces; p++) {
                int n = pieceLength(length, slice, p);
                BlockReader[] sources = new BlockReader[workers];
                for (int v = 0; v < workers; v++) {
                    if (hostOf[v] == task) {
                        Piece own = contributions.get(v)[set(length)][slice][p];
                        sources[v] = new BlockReader(gathered, own.chunks());
                    } else {
                        ByteBuffer[] block = take(contributionName(round, v, slice, p));
                        received.add(block);
                        sources[v] = new BlockReader(gathered, block);
                    }
                    long examples = sources[v].readLong();
                    int steps = sources[v].readInt();
                    int values = sources[v].readInt();
                    int flags = sources[v].readInt();
                    double loss = sources[v].readDouble();
                    long fitNanos = sources[v].readLong();
                    if (examples > 0 && (values != n || sources[v].remaining() != (long) n * Float.BYTES)) {
                        throw new IllegalStateException("worker " + v + " sent " + values + " values for piece " + p
                                + " of slice " + slice + " in round " + round + ", expected " + n);
                    }
                    if (p == 0) {
                        weights[v] = examples;
                        total += examples;
                        maxSteps = Math.max(maxSteps, steps);
                        minibatches += steps;
                        lossSum += loss;
                        taskNanos[hostOf[v]] += fitNanos;
                        if (hostOf[v] == 0 && task != 0) {
                            goesOn = (flags & MORE) != 0;
                        }
                    }
                }
                long started = System.nanoTime();
                if (p == 0) {
                    if (total == 0) {
                        throw new IllegalStateException("round " + round + ": no worker trained any example");
                    }
                    for (int v = 0; v < workers; v++) {
                        weights[v] /= total;
                    }
                }
                // Straight into the model, and pushed from there, unless a peer is handed the block
                // as it is: it reads it after the push completes, and the model changes before then.
                ByteBuffer model = handsOver ? null : into.view(pieceStart(length, slice, p), n);
                ByteBuffer piece = reduced[p] = fit(reduced[p], HEADER + (model == null ? n * Float.BYTES : 0));
                piece.putLong(total).putInt(maxSteps).putInt(n).putInt(0).putDouble(0).putLong(0);
                if (model != null) {
                    mean.compute(sources, weights, n, model.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
                    piece.flip();
                } else {
                    mean.compute(sources, weights, n, piece.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
                    piece.position(HEADER + n * Float.BYTES).flip();
                    model = piece.duplicate().position(HEADER);
                    into.write(pieceStart(length, slice, p), model.duplicate());
                }
                received.forEach(inbox::recycle);
                received.clear();
                if (sliced) {
                    for (int t = 0; t < peers.length; t++) {
                        if (t != task) {
                            pushedAverages.add(transport.send(peers[t], averageName(round, slice, p),
                                    piece.duplicate().limit(HEADER), model.duplicate()));
                        }
                    }
                }
                nanos[Phase.REDUCE.ordinal()] += System.nanoTime() - started;
            }
        } finally {
            received.forEach(inbox::recycle);
        }
        return new Average(total, maxSteps, goesOn, minibatches, lossSum,
                java.util.Arrays.stream(taskNanos).max().orElse(0));
    }

    /** Writes the other tasks' averaged slices into {@code into}, each piece as it arrives. */
    private void gather(int round, FlatVector into) {
        long length = into.length();
        for (int j = 0; j < peers.length; j++) {
            for (int p = 0; j != task && p < pieces(length, j); p++) {
                String name = averageName(round, j, p);
                ByteBuffer[] block = take(name);
                long started = System.nanoTime();
                try {
                    boolean landed = landing.remove(name); // its values are in the model already
                    BlockReader reader = new BlockReader(gathered, block);
                    reader.readLong();
                    reader.readInt();
                    int values = reader.readInt();
                    reader.readInt();
                    reader.readDouble();
                    reader.readLong();
                    if (values != pieceLength(length, j, p)
                            || reader.remaining() != (landed ? 0 : (long) values * Float.BYTES)) {
                        throw new IllegalStateException("task " + j + " sent " + values + " averaged values for piece "
                                + p + " of round " + round + ", expected " + pieceLength(length, j, p));
                    }
                    if (landed) {
                        bytesReceived += (long) values * Float.BYTES;
                    } else {
                        reader.copyTo(into, pieceStart(length, j, p), values);
                    }
                } finally {
                    inbox.recycle(block);
                }
                nanos[Phase.GATHER.ordinal()] += System.nanoTime() - started;
            }
        }
    }

    /** Waits for block {@code name} in the inbox. */
    private ByteBuffer[] take(String name) {
        long start = System.nanoTime();
        ByteBuffer[] block = inbox.take(name, brokenOff -> {
            checkPushes();
            if (brokenOff != null) {
                pushFailed(new IllegalStateException(brokenOff));
            }
        });
        nanos[Phase.WAIT.ordinal()] += System.nanoTime() - start;
        for (ByteBuffer part : block) {
            bytesReceived += part.remaining();
        }
        return block;
    }

    /** Fails the task when a push of its failed more than the grace period ago ({@link #pushFailed}). */
    private void checkPushes() {
        for (List<CompletableFuture<Void>> pushes : List.of(pushed.get(0), pushed.get(1), pushedAverages)) {
            for (CompletableFuture<Void> push : pushes) {
                if (push.isCompletedExceptionally()) {
                    pushFailed(push.handle((ok, failure) -> failure).join());
                }
            }
        }
    }

    /**
     * A push of this task, or to it, failed: throws the failure once the grace period since the
     * first is over, so that Spark can end the stage for whatever failed first.
     */
    private void pushFailed(Throwable failure) {
        long now = System.nanoTime();
        if (pushFailedAt == 0) {
            pushFailedAt = now;
        }
        if (now - pushFailedAt >= PUSH_FAILURE_GRACE_NANOS) {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException c ? c.getCause() : failure;
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause.getMessage(), cause);
        }
    }

    /** Seconds spent so far in {@code phase}, over all rounds. */
    public double seconds(Phase phase) {
        return nanos[phase.ordinal()] / 1e9;
    }

    /** Bytes received from other tasks so far. */
    public long bytesReceived() {
        return bytesReceived;
    }

    /**
     * Ends the segment: waits until every push of this task has arrived, then until every task has
     * (so no server closes under a push), and closes.
     */
    public void finish() {
        awaitAll(pushed.get(0));
        awaitAll(pushed.get(1));
        awaitAll(pushedAverages);
        rendezvous.arrive(SyncMessage.done(segment, task));
        close();
    }

    @Override
    public void close() {
        transport.close();
        inbox.clear();
    }

    /**
     * Whether contributions are pushed in place, as views of the model: when nothing changes the
     * values before every owner has them. Sliced, the task writes averages into them only once the
     * owners have averaged, that is, received them; whole, only once its pushes have completed,
     * which a peer handed the buffers over has not read yet.
     */
    private boolean inPlace(long length) {
        return hostedHere == 1 && (slices(length) > 1 || !handsOver);
    }

    /** One slice per task; one slice that every task averages, for two tasks (or one) and a small vector. */
    private int slices(long length) {
        return peers.length <= 2 && length <= WHOLE ? 1 : peers.length;
    }

    /**
     * The set of contribution buffers this exchange writes: they alternate from one exchange to the
     * next when a push of the last one may still be in flight.
     */
    private int set(long length) {
        return slices(length) == 1 ? exchanges & 1 : 0;
    }

    private long sliceStart(long length, int j) {
        return length * j / slices(length);
    }

    private int pieces(long length, int j) {
        long n = sliceStart(length, j + 1) - sliceStart(length, j);
        return (int) Math.max(1, (n + PIECE - 1) / PIECE);
    }

    private long pieceStart(long length, int j, int p) {
        return sliceStart(length, j) + (long) p * PIECE;
    }

    private int pieceLength(long length, int j, int p) {
        return (int) Math.min(PIECE, sliceStart(length, j + 1) - pieceStart(length, j, p));
    }

    private String contributionName(int round, int worker, int slice, int piece) {
        return prefix + "-r" + round + "-w" + worker + "-s" + slice + "-p" + piece;
    }

    private String averageName(int round, int slice, int piece) {
        return prefix + "-r" + round + "-avg" + slice + "-p" + piece;
    }

    /**
     * A cleared buffer of {@code bytes}, reusing {@code buffer} when it is large enough. On the heap:
     * a peer of the same executor gets it as it is, through the BlockManager, which frees the direct
     * buffers of blocks it drops.
     */
    private static ByteBuffer fit(ByteBuffer buffer, int bytes) {
        if (buffer == null || buffer.capacity() < bytes) {
            return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }
        buffer.clear().limit(bytes);
        return buffer;
    }

    /** {@link #awaitAll}, timed as {@link Phase#SETTLE}. */
    private void settle(List<CompletableFuture<Void>> pushes) {
        long start = System.nanoTime();
        awaitAll(pushes);
        nanos[Phase.SETTLE.ordinal()] += System.nanoTime() - start;
    }

    /** Waits for every push in {@code pushes} to complete, and forgets them; a failed one fails the task. */
    private void awaitAll(List<CompletableFuture<Void>> pushes) {
        for (CompletableFuture<Void> push : pushes) {
            while (true) {
                try {
                    push.get(100, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException e) {
                    // checked below
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TaskKilledException("interrupted while pushing averaging blocks");
                } catch (ExecutionException e) {
                    pushFailed(e.getCause());
                    sleep();
                }
                TaskContext context = TaskContext.get();
                if (context != null && context.isInterrupted()) {
                    throw new TaskKilledException("killed while pushing averaging blocks");
                }
            }
        }
        pushes.clear();
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskKilledException("interrupted while pushing averaging blocks");
        }
    }
}
