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
 * per task; every worker publishes its vector's slices as blocks in its executor's BlockManager; the
 * owner of each slice fetches that slice from every worker and averages it; every task then fetches
 * the averaged slices it does not own. Each task sends and receives about twice the vector per round
 * whatever the number of tasks, and the driver only sees that everyone has arrived at each step
 * ({@link Rendezvous}). A task may host several workers (more workers than task slots); their
 * contributions are averaged individually, in worker order, so the result does not depend on how
 * workers are spread over tasks.
 *
 * <p>With two tasks (or one) and a vector of at most {@link #WHOLE} values, each task instead fetches
 * the other's whole contribution and averages every value itself: the same bytes each way, one
 * synchronisation and one round trip fewer per round, the same bits. Contributions then alternate
 * between two sets of buffers, since the other task may still be reading a round's while this one
 * publishes the next.
 *
 * <p>Slices travel in pieces of at most {@link #PIECE} values, one block each, all requested at once:
 * averaging a piece overlaps with the next ones arriving, and the sender never hands the socket more
 * than a piece at a time. A block is {@code [examples: long][steps: int][values: int]} and then the
 * values, little-endian.
 */
public final class AllReduce implements AutoCloseable {
    /** Values per block: 1 MiB. */
    static final int PIECE = 1 << 18;
    /**
     * The largest vector two tasks average whole, each on its own: 8 MiB. Measured on two executors
     * on one machine, averaging whole took 18 ms a round against 23 ms for a 2.4 MB vector, where
     * latency rules, and the same 37 ms for 14 MB, where bandwidth does.
     */
    static final long WHOLE = 1 << 21;
    private static final int HEADER = Long.BYTES + 2 * Integer.BYTES;

    private final Rendezvous rendezvous;
    private final PeerBlocks blocks;
    private final TaskContext context;
    private final String prefix;
    private final long segment;
    private final int task;
    private final Peer[] peers;
    private final int[] hostOf;
    private final WeightedMean mean = new WeightedMean();
    private final ByteBuffer gathered = BlockReader.gatherBuffer();
    // Buffers reused from round to round: a block's buffer is free again once the block is removed.
    private final int hostedHere; // workers this task hosts
    private final Map<Integer, Piece[][][]> contributions = new HashMap<>(); // worker → [set][slice][piece]
    private final List<String> contributed = new ArrayList<>(); // published contributions, until read
    private ByteBuffer[] reduced = new ByteBuffer[0]; // this task's slice, by piece
    private final List<String> published = new ArrayList<>(); // averaged pieces, removed a round later
    private final long[] nanos = new long[Phase.values().length];
    private long bytesFetched;
    private int exchanges; // averages completed

    /** The parts of a round's exchange, timed for the task's log. */
    public enum Phase {
        /** copying the workers' vectors into blocks and publishing them */
        PUBLISH,
        /** waiting at the first synchronisation point: for the slowest worker's fitting, mostly */
        WAIT_TRAINED,
        /** fetching this task's slice from every worker and averaging it */
        REDUCE,
        /** waiting for every slice to be averaged */
        WAIT_AVERAGED,
        /** fetching the averaged slices and writing them into the model */
        GATHER
    }

    /**
     * One piece of a worker's contribution: its block's bytes, or its header when the values are
     * published in place ({@code values}, a view of the network's own memory).
     */
    private record Piece(ByteBuffer bytes, ByteBuffer values) {
        ByteBuffer[] chunks() {
            return values == null ? new ByteBuffer[] {bytes} : new ByteBuffer[] {bytes, values};
        }
    }

    private AllReduce(Rendezvous rendezvous, PeerBlocks blocks, TaskContext context, String prefix, long segment,
                      int task, Peer[] peers, int[] hostOf) {
        this.rendezvous = rendezvous;
        this.blocks = blocks;
        this.context = context;
        this.prefix = prefix;
        this.segment = segment;
        this.task = task;
        this.peers = peers;
        this.hostOf = hostOf;
        this.hostedHere = (int) java.util.Arrays.stream(hostOf).filter(host -> host == task).count();
    }

    /**
     * Joins the segment: tells the driver this task's address and learns every other task's.
     *
     * @param prefix a name unique to the job, which every block of the segment's tasks starts with
     * @param hostOf for each worker, the task hosting it
     */
    public static AllReduce join(Rendezvous rendezvous, PeerBlocks blocks, TaskContext context, String prefix,
                                 long segment, int task, int[] hostOf) {
        String[] addresses = rendezvous.hello(new SyncMessage.Hello(segment, task, blocks.self().toString()));
        Peer[] peers = new Peer[addresses.length];
        for (int t = 0; t < addresses.length; t++) {
            peers[t] = Peer.parse(addresses[t]);
        }
        return new AllReduce(rendezvous, blocks, context, prefix + "-" + segment, segment, task, peers, hostOf);
    }

    /**
     * The averaged round's totals over all workers, and whether the segment goes on after it (the
     * driver ends a segment after about its target time).
     */
    public record Average(long examples, int maxSteps, boolean more) {
    }

    /**
     * Publishes worker {@code worker}'s vector as its contribution to round {@code round}, weighted
     * by {@code examples} (none: it takes no part in the average). Every worker the task hosts
     * contributes to every round, with 0 examples when it had none. When the task hosts one worker
     * and the vector is averaged in slices, its values are published in place: the vector must not
     * change until {@link #average} returns (a task hosting several workers may reload its network
     * between them: their vectors are copied).
     */
    public void contribute(int round, int worker, FlatVector vector, long examples, int steps) {
        long start = System.nanoTime();
        long length = vector.length();
        int slices = slices(length);
        // In place when nothing changes the values before every owner has read them, after the
        // second synchronisation point (whole vectors alternate between two copies instead).
        boolean inPlace = slices > 1 && hostedHere == 1;
        int set = set(length);
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
                bytes.putLong(examples).putInt(steps).putInt(n);
                if (values == null) {
                    vector.read(pieceStart(length, j, p), bytes);
                }
                bytes.flip();
                Piece piece = ofWorker[j][p] = new Piece(bytes, values);
                if (peers.length > 1 && (slices == 1 || j != task)) { // someone else averages slice j
                    String name = contributionName(round, worker, j, p);
                    blocks.put(name, piece.chunks());
                    contributed.add(name);
                }
            }
        }
        nanos[Phase.PUBLISH.ordinal()] += System.nanoTime() - start;
    }

    /**
     * Arrives at the round's first synchronisation point with {@code trained}, averages this task's
     * slice, arrives at the second, and gathers the other slices: {@code into} then holds the average.
     */
    public Average average(int round, SyncMessage trained, FlatVector into) {
        long start = System.nanoTime();
        int slices = slices(into.length());
        boolean more = rendezvous.arrive(slices == 1 ? trained.alone() : trained);
        long arrived = System.nanoTime();
        published.forEach(blocks::remove); // every task gathered them before training this round
        published.clear();
        if (slices == 1) { // the other task read the last round's contributions before arriving
            contributed.stream().filter(name -> !name.startsWith(roundPrefix(round))).toList().forEach(name -> {
                blocks.remove(name);
                contributed.remove(name);
            });
        }
        Average average = reduce(round, slices == 1 ? 0 : task, into);
        long reducedAt = System.nanoTime();
        long averagedAt = reducedAt;
        if (slices > 1) {
            more = rendezvous.arrive(SyncMessage.averaged(segment, round, task));
            averagedAt = System.nanoTime();
            contributed.forEach(blocks::remove); // every owner has read this round's contributions
            contributed.clear();
            gather(round, into);
        }
        long gathered = System.nanoTime();
        nanos[Phase.WAIT_TRAINED.ordinal()] += arrived - start;
        nanos[Phase.REDUCE.ordinal()] += reducedAt - arrived;
        nanos[Phase.WAIT_AVERAGED.ordinal()] += averagedAt - reducedAt;
        nanos[Phase.GATHER.ordinal()] += gathered - averagedAt;
        exchanges++;
        return new Average(average.examples(), average.maxSteps(), more);
    }

    /**
     * Averages slice {@code slice}, piece by piece as the workers' pieces arrive, into {@code into},
     * and publishes it when other tasks gather it.
     */
    private Average reduce(int round, int slice, FlatVector into) {
        long length = into.length();
        int workers = hostOf.length;
        int pieces = pieces(length, slice);
        // One request per task for all its workers' pieces of this slice.
        List<List<CompletableFuture<PeerBlocks.Fetched>>> pending = new ArrayList<>(workers);
        for (int v = 0; v < workers; v++) {
            pending.add(null);
        }
        for (int t = 0; t < peers.length; t++) {
            List<String> names = new ArrayList<>();
            for (int v = 0; t != task && v < workers; v++) {
                for (int p = 0; hostOf[v] == t && p < pieces; p++) {
                    names.add(contributionName(round, v, slice, p));
                }
            }
            List<CompletableFuture<PeerBlocks.Fetched>> fetches = blocks.fetch(peers[t], names);
            for (int v = 0, i = 0; t != task && v < workers; v++) {
                if (hostOf[v] == t) {
                    pending.set(v, fetches.subList(i, i + pieces));
                    i += pieces;
                }
            }
        }
        if (reduced.length != pieces) {
            reduced = new ByteBuffer[pieces];
        }
        double[] weights = new double[workers];
        long total = 0;
        int maxSteps = 0;
        List<PeerBlocks.Fetched> fetched = new ArrayList<>(workers);
        try {
            for (int p = 0; p < pieces; p++) {
                int n = pieceLength(length, slice, p);
                BlockReader[] sources = new BlockReader[workers];
                for (int v = 0; v < workers; v++) {
                    if (hostOf[v] == task) {
                        Piece own = contributions.get(v)[set(length)][slice][p];
                        sources[v] = new BlockReader(gathered, own.chunks());
                    } else {
                        PeerBlocks.Fetched f = await(pending.get(v).get(p));
                        fetched.add(f);
                        bytesFetched += f.size();
                        sources[v] = new BlockReader(gathered, f.parts());
                    }
                    long examples = sources[v].readLong();
                    int steps = sources[v].readInt();
                    int values = sources[v].readInt();
                    if (examples > 0 && (values != n || sources[v].remaining() != (long) n * Float.BYTES)) {
                        throw new IllegalStateException("worker " + v + " sent " + values + " values for piece " + p
                                + " of slice " + slice + " in round " + round + ", expected " + n);
                    }
                    if (p == 0) {
                        weights[v] = examples;
                        total += examples;
                        maxSteps = Math.max(maxSteps, steps);
                    }
                }
                if (p == 0) {
                    if (total == 0) {
                        throw new IllegalStateException("round " + round + ": no worker trained any example");
                    }
                    for (int v = 0; v < workers; v++) {
                        weights[v] /= total;
                    }
                }
                ByteBuffer piece = reduced[p] = fit(reduced[p], HEADER + n * Float.BYTES);
                piece.putLong(total).putInt(maxSteps).putInt(n);
                mean.compute(sources, weights, n, piece.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
                piece.position(HEADER + n * Float.BYTES).flip();
                fetched.forEach(PeerBlocks.Fetched::close);
                fetched.clear();
                into.write(pieceStart(length, slice, p), piece.duplicate().position(HEADER));
                if (slices(length) > 1) {
                    String name = averageName(round, slice, p);
                    blocks.put(name, piece);
                    published.add(name);
                }
            }
        } catch (RuntimeException e) {
            pending.stream().filter(java.util.Objects::nonNull).forEach(AllReduce::release);
            throw e;
        } finally {
            fetched.forEach(PeerBlocks.Fetched::close);
        }
        return new Average(total, maxSteps, true);
    }

    /** Fetches the other tasks' averaged slices into {@code into}, each piece written as it arrives. */
    private void gather(int round, FlatVector into) {
        long length = into.length();
        List<CompletableFuture<PeerBlocks.Fetched>> pending = new ArrayList<>();
        for (int j = 0; j < peers.length; j++) {
            List<String> names = new ArrayList<>();
            for (int p = 0; j != task && p < pieces(length, j); p++) {
                names.add(averageName(round, j, p));
            }
            pending.addAll(blocks.fetch(peers[j], names));
        }
        int next = 0;
        try {
            for (int j = 0; j < peers.length; j++) {
                for (int p = 0; j != task && p < pieces(length, j); p++) {
                    copy(round, await(pending.get(next++)), into, j, p);
                }
            }
        } catch (RuntimeException e) {
            release(pending);
            throw e;
        }
    }

    private void copy(int round, PeerBlocks.Fetched fetched, FlatVector into, int j, int p) {
        long length = into.length();
        try (PeerBlocks.Fetched f = fetched) {
            bytesFetched += f.size();
            BlockReader block = new BlockReader(gathered, f.parts());
            block.readLong();
            block.readInt();
            int values = block.readInt();
            if (values != pieceLength(length, j, p) || block.remaining() != (long) values * Float.BYTES) {
                throw new IllegalStateException("task " + j + " sent " + values + " averaged values for piece "
                        + p + " of round " + round + ", expected " + pieceLength(length, j, p));
            }
            block.copyTo(into, pieceStart(length, j, p), values);
        }
    }

    /** Releases every fetch of a failed round, arrived or to come (closing a fetch twice releases it once). */
    private static void release(List<CompletableFuture<PeerBlocks.Fetched>> pending) {
        pending.forEach(f -> f.thenAccept(PeerBlocks.Fetched::close));
    }

    /** Seconds spent so far in {@code phase}, over all rounds. */
    public double seconds(Phase phase) {
        return nanos[phase.ordinal()] / 1e9;
    }

    /** Bytes read from other tasks' blocks so far. */
    public long bytesFetched() {
        return bytesFetched;
    }

    /** Arrives at the segment's end, when every task has gathered the last average, and drops the blocks. */
    public void finish() {
        rendezvous.arrive(SyncMessage.done(segment, task));
        close();
    }

    @Override
    public void close() {
        blocks.close();
        published.clear();
        contributed.clear();
    }

    /** One slice per task; one slice that every task averages, for two tasks (or one) and a small vector. */
    private int slices(long length) {
        return peers.length <= 2 && length <= WHOLE ? 1 : peers.length;
    }

    /**
     * The set of contribution buffers this exchange writes: they alternate from one exchange to the
     * next when the other task may still read the last one's.
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
        return roundPrefix(round) + "w" + worker + "-s" + slice + "-p" + piece;
    }

    private String roundPrefix(int round) {
        return prefix + "-r" + round + "-";
    }

    private String averageName(int round, int slice, int piece) {
        return prefix + "-r" + round + "-avg" + slice + "-p" + piece;
    }

    /** A cleared buffer of {@code bytes}, reusing {@code buffer} when it is large enough. */
    private static ByteBuffer fit(ByteBuffer buffer, int bytes) {
        if (buffer == null || buffer.capacity() < bytes) {
            return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }
        buffer.clear().limit(bytes);
        return buffer;
    }

    private PeerBlocks.Fetched await(CompletableFuture<PeerBlocks.Fetched> future) {
        while (true) {
            try {
                return future.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (context != null && context.isInterrupted()) {
                    future.thenAccept(PeerBlocks.Fetched::close);
                    throw new TaskKilledException("killed while fetching averaging blocks");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                future.thenAccept(PeerBlocks.Fetched::close);
                throw new TaskKilledException("interrupted while fetching averaging blocks");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause.getMessage(), cause);
            }
        }
    }
}
