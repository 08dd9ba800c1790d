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
 * The driver's side of the tasks' coordination: an endpoint on Spark's RPC environment. It answers a
 * segment's tasks when all of them have arrived at its start (with every task's address) and at its
 * end, and in between receives task 0's one-way report of every round's totals (task 0 has every
 * worker's numbers in the headers of their contributions): a few numbers a round, whatever the number
 * of tasks. It passes each round to the training loop as a {@link Round}. One segment attempt is open
 * at a time; messages of any other are refused (its tasks' waits fail) or dropped (its reports).
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

    /**
     * A round task 0 reported: totals over all workers, the slowest task's fitting time, and the
     * round's wall time as task 0 timed it (from its previous average to this one's): durations,
     * since hosts' clocks differ.
     */
    record Round(int round, long examples, double lossSum, int minibatches, long maxComputeNanos,
                 long roundNanos) {
    }

    /** Starts counting arrivals and reports of {@code plan}'s tasks; rounds come out of the returned attempt. */
    synchronized Attempt open(SegmentPlan plan) {
        fail(open, "a newer segment attempt started");
        open = new Attempt(plan);
        return open;
    }

    /** Ends the attempt; tasks still waiting get {@code reason} as a failure. */
    synchronized void close(Attempt attempt, String reason) {
        if (open == attempt) {
            fail(open, reason);
            open = null;
        }
    }

    /** One attempt at a segment: the rounds it averaged so far, in order. */
    static final class Attempt {
        final SegmentPlan plan;
        final BlockingQueue<Round> rounds = new LinkedBlockingQueue<>();
        volatile int averaged; // training rounds reported: the segment's length once it is over
        private final String[] addresses;
        private final Map<String, Gate> gates = new HashMap<>(); // the start and the end

        Attempt(SegmentPlan plan) {
            this.plan = plan;
            this.addresses = new String[plan.tasks()];
        }
    }

    /** The tasks that arrived at the start or the end, waiting for the others. */
    private static final class Gate {
        final List<RpcCallContext> waiting = new ArrayList<>();
    }

    @Override
    public RpcEnv rpcEnv() {
        return rpcEnv;
    }

    @Override
    public PartialFunction<Object, BoxedUnit> receive() {
        return new AbstractPartialFunction<>() {
            @Override
            public boolean isDefinedAt(Object message) {
                SyncMessage sync = SyncMessage.fromWire(message);
                return sync != null && sync.kind() == SyncMessage.Kind.TRAINED;
            }

            @Override
            public <A1, B1> B1 applyOrElse(A1 message, Function1<A1, B1> otherwise) {
                if (!isDefinedAt(message)) {
                    return otherwise.apply(message);
                }
                report(SyncMessage.fromWire(message));
                return null;
            }
        };
    }

    @Override
    public PartialFunction<Object, BoxedUnit> receiveAndReply(RpcCallContext context) {
        return new AbstractPartialFunction<>() {
            @Override
            public boolean isDefinedAt(Object message) {
                SyncMessage sync = SyncMessage.fromWire(message);
                return SyncMessage.Hello.fromWire(message) != null || sync != null && sync.kind() == SyncMessage.Kind.DONE;
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

    /** Task 0's report of a round; a stale attempt's is dropped (Spark ends its tasks). */
    private synchronized void report(SyncMessage sync) {
        Attempt attempt = open;
        if (attempt == null || attempt.plan.segment() != sync.segment() || sync.task() != 0) {
            return;
        }
        if (sync.round() < attempt.plan.firstRound() + attempt.plan.rounds()) {
            attempt.averaged++;
        }
        attempt.rounds.add(new Round(sync.round(), sync.examples(), sync.lossSum(), sync.minibatches(),
                sync.computeNanos(), sync.roundNanos()));
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
        String key = hello != null ? "hello" : "done";
        Gate gate = attempt.gates.computeIfAbsent(key, k -> new Gate());
        gate.waiting.add(context);
        if (hello != null) {
            attempt.addresses[task] = hello.peer();
        }
        if (gate.waiting.size() < attempt.plan.tasks()) {
            return;
        }
        attempt.gates.remove(key);
        Object reply = hello != null ? attempt.addresses.clone() : Boolean.TRUE;
        for (RpcCallContext waiting : gate.waiting) {
            waiting.reply(reply);
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
