package io.kindling.worker;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BooleanSupplier;

/**
 * Values handed between the driver and its tasks through this JVM's memory. Under a local master the
 * executor is the driver's own JVM, and an averaging round would otherwise serialize the model into a
 * broadcast and every worker's result into a task result and back (14 MB each for the MNIST CNN with
 * Adadelta) only to copy bytes from one heap array to another. Keys are made by the driver for one
 * round; it removes them when the round ends, whether or not it succeeded.
 */
public final class InProcessExchange {
    private static final ConcurrentMap<String, Object> VALUES = new ConcurrentHashMap<>();
    private static final Object PUT = new Object();

    private InProcessExchange() {
    }

    public static void put(String key, Object value) {
        VALUES.put(key, value);
        synchronized (PUT) {
            PUT.notifyAll();
        }
    }

    /**
     * The value under {@code key}, left in place, once someone has put it there; waiting ends with an
     * exception as soon as {@code cancelled} says so (a task that Spark was told to kill).
     */
    public static <T> T await(String key, Class<T> type, BooleanSupplier cancelled) throws InterruptedException {
        while (true) {
            Object value = VALUES.get(key);
            if (value != null) {
                return type.cast(value);
            }
            if (cancelled.getAsBoolean()) {
                throw new IllegalStateException("cancelled while waiting for '" + key + "'");
            }
            synchronized (PUT) {
                if (!VALUES.containsKey(key)) {
                    PUT.wait(10);
                }
            }
        }
    }

    /** The value under {@code key}, removed. */
    public static <T> T take(String key, Class<T> type) {
        return type.cast(require(key, VALUES.remove(key)));
    }

    /** Removes {@code key} and every key under it ({@code key + "/..."}). */
    public static void removeAll(String key) {
        VALUES.keySet().removeIf(k -> k.equals(key) || k.startsWith(key + "/"));
    }

    /** How many values are held now. */
    public static int size() {
        return VALUES.size();
    }

    private static Object require(String key, Object value) {
        if (value == null) {
            throw new IllegalStateException("nothing under '" + key + "' in this JVM: in-process rounds need a local"
                    + " master whose tasks share the driver's classes (set spark.kindling.inProcessRounds=false)");
        }
        return value;
    }
}
