package io.kindling.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.worker.EvalStats;
import org.junit.jupiter.api.Test;

class ProgressLogTest {
    @Test
    void linesReadLikeThePyTorchExample() {
        assertEquals("Train Epoch: 1 [6400/60000 (11%)]\tLoss: 0.231865",
                ProgressLog.trainLine(1, 6400, 60000, 0.2318651));
        assertEquals("Test set: Average loss: 0.0504, Accuracy: 9826/10000 (98%)",
                ProgressLog.testLine(new EvalStats(504.0, 9826, 10000)));
    }

    @Test
    void theTrainLineAddsSpeedAndTimeLeftAfterTheSeedsFields() {
        assertEquals("Train Epoch: 3 [6400/60000 (11%)]\tLoss: 0.231865\t812.3 examples/s\tETA 1:06",
                ProgressLog.trainLine(3, 6400, 60000, 0.2318651, 812.34, 65.98));
        assertEquals("0:00", ProgressLog.duration(0.2));
        assertEquals("59:59", ProgressLog.duration(3599));
        assertEquals("1:00:00", ProgressLog.duration(3600));
        assertEquals("27:46:40", ProgressLog.duration(100000));
        assertEquals("?", ProgressLog.duration(Double.POSITIVE_INFINITY));
    }

    @Test
    void aLineIsDueWhenTheMinibatchCountPassesAMultipleOfTheInterval() {
        assertTrue(ProgressLog.crossesInterval(0, 10, 10));
        assertFalse(ProgressLog.crossesInterval(1, 10, 10));
        assertTrue(ProgressLog.crossesInterval(1, 11, 10));
        assertTrue(ProgressLog.crossesInterval(8, 30, 10));
    }
}
