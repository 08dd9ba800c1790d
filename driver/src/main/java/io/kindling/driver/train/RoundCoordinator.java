package io.kindling.driver.train;

import io.kindling.worker.SegmentPlan;
import io.kindling.worker.exchange.SyncMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.spark.SparkEnv;
import org.apache.spark.rpc.RpcCallContext;
import org.apache.spark.rpc.RpcEndpointRef;
import org.apache.spark.rpc.RpcEnv;
import org.apache.spark.rpc.ThreadSafeRpcEndpoint;
import scala.Function1;
import scala.PartialFunction;
import scala.runtime.AbstractPartialFunction;
import scala.runtime.BoxedUnit;

/**
 * The driver's side of the tasks' synchronisation: an endpoint on Spark's RPC environment that
 * answers a segment's tasks when all of them have arrived at the same point (their addresses at the
 * start, then twice a round, then the end). It receives metadata only, a few numbers per task and
 * round, and passes each averaged round's totals to the training loop as a {@link Round}. One
 * segment attempt is open at a time; messages of any other are refused, which ends their tasks.
 */
final class RoundCoordinator implements ThreadSafeRpcEndpoint, AutoCloseable {
    private final RpcEnv rpcEnv = SparkEnv.get().rpcEnv();
    private final String name = "kindling-rounds-" + UUID.randomUUID();
    private final RpcEndpointRef ref;
    private Attempt open; // guarded by this

    RoundCoordinator() {
        ref = rpcEnv.setupEndpoint(name, this);
    }

    /** The endpoint's name, which tasks connect to. */
    String name() {
        return name;
    }

    /** A round the tasks averaged: totals over all workers, and when the driver saw it complete. */
    record Round(int round, long examples, double lossSum, int minibatches, long maxComputeNanos, long atNanos) {
    }

    /**
     * Starts counting arrivals of {@code plan}'s tasks; rounds come out of the returned attempt. The
     * first round averaged {@code seconds} or more after the tasks joined is the segment's last.
     */
    synchronized Attempt open(SegmentPlan plan, double seconds) {
        fail(open, "a newer segment attempt started");
        open = new Attempt(plan, seconds);
        return open;
    }

    /** Ends the attempt; tasks still waiting get {@code reason} as a failure. */
    synchronized void close(Attempt attempt, String reason) {
        if (open == attempt) {
            fail(open, reason);
            open = null;
        }
    }

    /** One attempt at a segment: the rounds it averaged so far, in order, and when it began. */
    static final class Attempt {
        final SegmentPlan plan;
        final BlockingQueue<Round> rounds = new LinkedBlockingQueue<>();
        volatile long startedNanos; // every task had joined
        volatile int averaged; // training rounds averaged: the segment's length once it is over
        private final double seconds;
        private final String[] addresses;
        private final Map<String, Gate> gates = new HashMap<>();
        private final Map<Integer, Gate> trained = new HashMap<>(); // a round's totals, until it is averaged

        Attempt(SegmentPlan plan, double seconds) {
            this.plan = plan;
            this.seconds = seconds;
            this.addresses = new String[plan.tasks()];
        }
    }

    /** The tasks that arrived at one point, waiting for the others. */
    private static final class Gate {
        final List<RpcCallContext> waiting = new ArrayList<>();
        long examples;
        double lossSum;
        int minibatches;
        long maxComputeNanos;
    }

    @Override
    public RpcEnv rpcEnv() {
        return rpcEnv;
    }

    @Override
    public PartialFunction<Object, BoxedUnit> receiveAndReply(RpcCallContext context) {
        return new AbstractPartialFunction<>() {
            @Override
            public boolean isDefinedAt(Object message) {
                return SyncMessage.Hello.fromWire(message) != null || SyncMessage.fromWire(message) != null;
            }

            @Override
            public <A1, B1> B1 applyOrElse(A1 message, Function1<A1, B1> otherwise) {
                if (!isDefinedAt(message)) {
                    return otherwise.apply(message);
                }
                arrive(message, context);
                return null;
            }
        };
    }

    private synchronized void arrive(Object message, RpcCallContext context) {
        SyncMessage.Hello hello = SyncMessage.Hello.fromWire(message);
        SyncMessage sync = hello == null ? SyncMessage.fromWire(message) : null;
        long segment = hello != null ? hello.segment() : sync.segment();
        Attempt attempt = open;
        int task = hello != null ? hello.task() : sync.task();
        if (attempt == null || attempt.plan.segment() != segment || task < 0 || task >= attempt.plan.tasks()) {
            context.sendFailure(new IllegalStateException("training segment " + segment + " is no longer running"));
            return;
        }
        String key = hello != null ? "hello" : sync.kind() + "/" + sync.round();
        Gate gate = attempt.gates.computeIfAbsent(key, k -> new Gate());
        gate.waiting.add(context);
        if (hello != null) {
            attempt.addresses[task] = hello.peer();
        } else if (sync.kind() == SyncMessage.Kind.TRAINED || sync.kind() == SyncMessage.Kind.ROUND) {
            gate.examples += sync.examples();
            gate.lossSum += sync.lossSum();
            gate.minibatches += sync.minibatches();
            gate.maxComputeNanos = Math.max(gate.maxComputeNanos, sync.computeNanos());
        }
        if (gate.waiting.size() < attempt.plan.tasks()) {
            return;
        }
        attempt.gates.remove(key);
        long now = System.nanoTime();
        // A round ends at its AVERAGED point, or at its only one when every task averages on its own.
        boolean ends = sync != null
                && (sync.kind() == SyncMessage.Kind.AVERAGED || sync.kind() == SyncMessage.Kind.ROUND);
        boolean more = !ends || sync.round() + 1 < attempt.plan.firstRound() + attempt.plan.rounds()
                && (now - attempt.startedNanos) / 1e9 < attempt.seconds;
        Object reply = hello != null ? attempt.addresses.clone() : Boolean.valueOf(more);
        for (RpcCallContext waiting : gate.waiting) {
            waiting.reply(reply);
        }
        if (hello != null) {
            attempt.startedNanos = now;
        } else if (sync.kind() == SyncMessage.Kind.TRAINED) {
            attempt.trained.put(sync.round(), gate);
        } else if (ends) {
            Gate totals = attempt.trained.getOrDefault(sync.round(), gate);
            attempt.trained.remove(sync.round());
            if (sync.round() < attempt.plan.firstRound() + attempt.plan.rounds()) {
                attempt.averaged++;
            }
            attempt.rounds.add(new Round(sync.round(), totals.examples, totals.lossSum, totals.minibatches,
                    totals.maxComputeNanos, now));
        }
    }

    private static void fail(Attempt attempt, String reason) {
        if (attempt == null) {
            return;
        }
        for (Gate gate : attempt.gates.values()) {
            for (RpcCallContext waiting : gate.waiting) {
                waiting.sendFailure(new IllegalStateException("training segment " + attempt.plan.segment()
                        + " ended: " + reason));
            }
        }
        attempt.gates.clear();
    }

    @Override
    public synchronized void close() {
        fail(open, "the training job is closing");
        open = null;
        rpcEnv.stop(ref);
    }
}
