package io.kindling.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kindling.datasets.testing.LocalSpark;
import org.junit.jupiter.api.Test;

class ThreadBudgetTest {
    @Test
    void tasksRunningAtOnceShareTheLocalCoresWithoutOversubscribing() {
        // local[2]: two cores for all tasks of the driver JVM.
        assertEquals(2, ThreadBudget.perTask(LocalSpark.context(), 1), "one worker may use both cores");
        assertEquals(1, ThreadBudget.perTask(LocalSpark.context(), 2), "two workers run at once: one core each");
        assertEquals(1, ThreadBudget.perTask(LocalSpark.context(), 5), "never fewer than one thread");
    }
}
