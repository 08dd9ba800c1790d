package io.kindling.worker.exchange;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;

/**
 * The blocks other tasks pushed to this one, by name, until the task takes them. A block is a
 * {@code [examples: long][steps: int][values: int][flags: int][loss sum: double][fit nanos: long]}
 * header and then the values,
 * little-endian: in one heap buffer when it came over the network (buffers the task gives back are
 * reused for later blocks, so a round allocates nothing once the first has run), or in the sending
 * task's own buffers when it came from the same executor. A task waits for a block here rather than asking
 * anyone: it arrives when its sender has it ready.
 */
final class Inbox {
    /** Header bytes of a block. */
    static final int HEADER = 2 * Long.BYTES + 3 * Integer.BYTES + Double.BYTES;
    private static final long POLL_MILLIS = 100;

    private final TaskContext task;
    private final int maxValues;
    private final Map<String, ByteBuffer[]> arrived = new HashMap<>(); // guarded by this: a block's parts
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>(); // guarded by this
    // The buffers this inbox allocated: only those go back to the pool (a block another task of the
    // executor handed over is left to the garbage collector).
    private final java.util.Set<ByteBuffer> own = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private final Map<String, String> failed = new HashMap<>(); // guarded by this: why a block never came
    private final Map<String, ByteBuffer> zones = new HashMap<>(); // guarded by this: where values land
    private boolean cleared; // guarded by this: no value lands any more

    /**
     * @param maxValues the most values one block may carry: a larger one is refused before any of
     *                  its bytes are taken
     */
    Inbox(TaskContext task, int maxValues) {
        this.task = task;
        this.maxValues = maxValues;
    }

    /**
     * A buffer for a block named {@code name} whose header is {@code header} (its position to its
     * limit), holding the header already; the values go after it, then {@link #deliver}.
     */
    ByteBuffer open(String name, ByteBuffer header) {
        if (header.remaining() != HEADER) {
            throw new IllegalArgumentException("averaging block " + name + " has a header of " + header.remaining()
                    + " bytes, expected " + HEADER);
        }
        int values = header.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(header.position() + Long.BYTES + Integer.BYTES);
        if (values < 0 || values > maxValues) {
            throw new IllegalArgumentException("averaging block " + name + " carries " + values
                    + " values, expected at most " + maxValues);
        }
        int bytes = HEADER + values * Float.BYTES;
        ByteBuffer buffer = null;
        synchronized (this) {
            if (arrived.containsKey(name)) {
                throw new IllegalStateException("averaging block " + name + " arrived twice");
            }
            for (ByteBuffer b : free) { // the smallest that fits: a header-only block takes no piece's buffer
                if (b.capacity() >= bytes && (buffer == null || b.capacity() < buffer.capacity())) {
                    buffer = b;
                }
            }
            if (buffer != null) {
                free.remove(buffer);
            }
        }
        if (buffer == null) {
            buffer = ByteBuffer.allocate(bytes);
            synchronized (this) {
                own.add(buffer);
            }
        }
        buffer.clear().limit(bytes);
        return buffer.order(ByteOrder.LITTLE_ENDIAN).put(header.duplicate());
    }

    /**
     * The values of block {@code name}, when it comes over the network, are to land in {@code zone}
     * (from its position to its limit, a view of the model's memory) rather than in a buffer of
     * the inbox: the block taken is then its header alone.
     */
    synchronized void expect(String name, ByteBuffer zone) {
        zones.put(name, zone);
    }

    /**
     * Where the values of block {@code name}, whose header is {@code header}, land, or null when it
     * was not {@link #expect}ed: a block carrying another number of values is refused.
     */
    synchronized ByteBuffer landing(String name, ByteBuffer header) {
        ByteBuffer zone = zones.remove(name);
        if (zone == null) {
            return null;
        }
        int values = header.remaining() == HEADER ? header.duplicate().order(ByteOrder.LITTLE_ENDIAN)
                .getInt(header.position() + Long.BYTES + Integer.BYTES) : -1;
        if ((long) values * Float.BYTES != zone.remaining()) {
            throw new IllegalArgumentException("averaging block " + name + " carries " + values + " values, expected "
                    + zone.remaining() / Float.BYTES);
        }
        return zone;
    }

    /**
     * Copies {@code data} into {@code zone}, unless the inbox was cleared: the task is over, and its
     * model's memory may be gone.
     */
    synchronized void land(ByteBuffer zone, ByteBuffer data) {
        if (!cleared) {
            zone.put(data);
        }
    }

    /** Block {@code name}, its buffer filled, is there to take. */
    void deliver(String name, ByteBuffer block) {
        if (block.hasRemaining()) {
            throw new IllegalStateException("averaging block " + name + " ended " + block.remaining() + " bytes early");
        }
        deliver(name, new ByteBuffer[] {block.flip()});
    }

    /**
     * Block {@code name}, in {@code parts} (each from its position to its limit), is there to take:
     * the buffers of another task of this executor, handed over as they are.
     */
    synchronized void deliver(String name, ByteBuffer[] parts) {
        arrived.put(name, parts);
        notifyAll();
    }

    /** Block {@code name} will not come: its transfer broke off ({@code why} says how). */
    synchronized void fail(String name, String why) {
        failed.put(name, why);
        notifyAll();
    }

    /**
     * Waits for block {@code name} and takes it; {@link #recycle} it once read. Ends when Spark
     * kills the task (checked every 100 ms), as it does to every task of a failed barrier stage, or
     * when {@code check}, run as often, throws: it is told why the block broke off, if it did (null
     * otherwise), and decides when to give up.
     */
    synchronized ByteBuffer[] take(String name, java.util.function.Consumer<String> check) {
        while (true) {
            // Killed first: a block from a task of this executor may be a view of memory that task's
            // end may free.
            if (task != null && task.isInterrupted()) {
                throw new TaskKilledException("killed while waiting for averaging block " + name);
            }
            check.accept(failed.get(name));
            ByteBuffer[] block = arrived.remove(name);
            if (block != null) {
                return block;
            }
            try {
                wait(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TaskKilledException("interrupted while waiting for averaging block " + name);
            }
        }
    }

    /** A taken block's buffers, free for another. */
    synchronized void recycle(ByteBuffer[] block) {
        for (ByteBuffer part : block) {
            if (own.contains(part)) {
                free.add(part);
            }
        }
    }

    /** Drops every block still here; nothing lands in the model any more. */
    synchronized void clear() {
        cleared = true;
        zones.clear();
        arrived.clear();
        free.clear();
        own.clear();
        failed.clear();
    }
}
