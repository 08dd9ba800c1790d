package io.kindling.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class InProcessExchangeTest {
    @Test
    void valuesAreSharedTakenAndRemovedByRound() throws InterruptedException {
        InProcessExchange.put("t/1", "state");
        InProcessExchange.put("t/1/0", 10);
        InProcessExchange.put("t/1/1", 11);
        InProcessExchange.put("t/10", "another round");
        assertEquals("state", InProcessExchange.await("t/1", String.class, () -> false));
        assertEquals("state", InProcessExchange.await("t/1", String.class, () -> false), "await leaves it for other tasks");
        assertEquals(10, InProcessExchange.take("t/1/0", Integer.class));
        IllegalStateException gone = assertThrows(IllegalStateException.class,
                () -> InProcessExchange.take("t/1/0", Integer.class));
        assertTrue(gone.getMessage().contains("'t/1/0'") && gone.getMessage().contains("spark.kindling.inProcessRounds"),
                gone.getMessage());

        InProcessExchange.removeAll("t/1");
        assertThrows(IllegalStateException.class, () -> InProcessExchange.take("t/1/1", Integer.class));
        assertEquals("another round", InProcessExchange.take("t/10", String.class), "only t/1 and below removed");
    }

    @Test
    void awaitWaitsForThePutAndGivesUpWhenCancelled() throws Exception {
        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return InProcessExchange.await("w/1", String.class, () -> false);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertFalse(waiting.isDone(), "nothing put yet");
        InProcessExchange.put("w/1", "state");
        assertEquals("state", waiting.get(5, TimeUnit.SECONDS));
        InProcessExchange.removeAll("w/1");

        AtomicBoolean cancelled = new AtomicBoolean();
        CompletableFuture<String> killed = CompletableFuture.supplyAsync(() -> {
            try {
                return InProcessExchange.await("w/2", String.class, cancelled::get);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        cancelled.set(true);
        ExecutionException e = assertThrows(ExecutionException.class, () -> killed.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("cancelled while waiting for 'w/2'"), e.getCause().getMessage());
    }
}
