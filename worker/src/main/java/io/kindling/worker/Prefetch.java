package io.kindling.worker;

import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskContext$;

/**
 * Reads the next element of an iterator on a thread of its own while the task works on the
 * current one: a segment's task fetches the next round's chunks from the shuffle while it fits this
 * round's. The thread acts for the task (its TaskContext is set there, as Spark's own helper threads
 * do), and at most one element is read ahead.
 */
final class Prefetch<T> implements AutoCloseable {
    private final Iterator<T> source;
    private final ExecutorService thread;
    private CompletableFuture<T> next;

    Prefetch(Iterator<T> source, TaskContext context) {
        this.source = source;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(() -> {
                TaskContext$.MODULE$.setTaskContext(context);
                r.run();
            }, "kindling-prefetch-" + (context == null ? "" : context.taskAttemptId()));
            t.setDaemon(true);
            return t;
        });
    }

    /** The next element, then the one after starts being read (when there is one and {@code more} says so). */
    T next(boolean more) {
        CompletableFuture<T> current = next != null ? next : CompletableFuture.supplyAsync(source::next, thread);
        next = null;
        try {
            T value = current.get();
            if (more && source.hasNext()) {
                next = CompletableFuture.supplyAsync(source::next, thread);
            }
            return value;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the next round's chunks", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause.getMessage(), cause);
        }
    }

    /** Lets a read in progress finish (the task's context must outlive it), then ends the thread. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
