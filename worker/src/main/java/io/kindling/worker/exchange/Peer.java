package io.kindling.worker.exchange;

import org.apache.spark.SparkEnv;
import org.apache.spark.storage.BlockManagerId;

/**
 * Where a task's blocks can be fetched: its executor and that executor's block transfer service.
 * Tasks of one executor (and every task under a local master) read each other's blocks from memory.
 */
public record Peer(String executorId, String host, int port) {
    /** The executor this code runs in. */
    public static Peer self() {
        BlockManagerId id = SparkEnv.get().blockManager().blockManagerId();
        return new Peer(id.executorId(), id.host(), id.port());
    }

    /** The text form {@code executor@host:port}, as exchanged at a segment's start. */
    @Override
    public String toString() {
        return executorId + "@" + host + ":" + port;
    }

    public static Peer parse(String text) {
        int at = text.indexOf('@');
        int colon = text.lastIndexOf(':');
        if (at < 0 || colon < at) {
            throw new IllegalArgumentException("not an executor address: '" + text + "'");
        }
        return new Peer(text.substring(0, at), text.substring(at + 1, colon), Integer.parseInt(text.substring(colon + 1)));
    }
}
