package io.kindling.worker.exchange;

import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;
import org.apache.spark.rpc.RpcEndpointRef;
import org.apache.spark.rpc.RpcTimeout;
import org.apache.spark.util.RpcUtils;
import scala.concurrent.Await;
import scala.concurrent.Future;
import scala.concurrent.duration.Duration;
import scala.concurrent.duration.FiniteDuration;
import scala.reflect.ClassTag$;

/**
 * A task's line to the driver's coordinator of a training segment, over Spark's RPC (so Spark's
 * authentication and encryption apply). At the segment's start and end a call returns when every
 * task of the segment has made the same call; in between, a task only reports each round's numbers,
 * without waiting. Spark's own {@code BarrierTaskContext.barrier()} would do for the two waits, but
 * in Spark 3.5 a task that is not the last to arrive sleeps in whole seconds while it waits; here a
 * wait ends when the reply comes, and every 100 ms it checks whether Spark has killed the task.
 */
public final class Rendezvous {
    // A round may wait for the slowest worker's whole chunk; the coordinator fails waits itself when
    // the segment's job fails, so the RPC's own timeout is only a backstop.
    private static final RpcTimeout WAIT = new RpcTimeout(new FiniteDuration(365, TimeUnit.DAYS), "kindling.rendezvous");
    private static final FiniteDuration POLL = Duration.create(100, TimeUnit.MILLISECONDS);

    private final RpcEndpointRef coordinator;
    private final TaskContext task;

    private Rendezvous(RpcEndpointRef coordinator, TaskContext task) {
        this.coordinator = coordinator;
        this.task = task;
    }

    /** Connects to the driver's endpoint {@code name}. */
    public static Rendezvous connect(String name, TaskContext task) {
        SparkEnv env = SparkEnv.get();
        return new Rendezvous(RpcUtils.makeDriverRef(name, env.conf(), env.rpcEnv()), task);
    }

    /** Every task's address, in task order. */
    public String[] hello(SyncMessage.Hello hello) {
        return ask(hello.toWire(), String[].class);
    }

    /** Waits until every task has sent the same message (the segment's end). */
    public void arrive(SyncMessage message) {
        ask(message.toWire(), Boolean.class);
    }

    /** Tells the driver a round's numbers, and goes on at once. */
    public void report(SyncMessage message) {
        coordinator.send(message.toWire());
    }

    private <T> T ask(Object message, Class<T> reply) {
        Future<T> answer = coordinator.ask(message, WAIT, ClassTag$.MODULE$.apply(reply));
        while (true) {
            try {
                return Await.result(answer, POLL);
            } catch (Exception e) {
                if (!(e instanceof java.util.concurrent.TimeoutException)) {
                    throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
                }
                if (task != null && task.isInterrupted()) {
                    throw new TaskKilledException("killed while waiting for the other tasks of the segment");
                }
            }
        }
    }
}
