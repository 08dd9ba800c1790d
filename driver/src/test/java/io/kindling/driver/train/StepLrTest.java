package io.kindling.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StepLrTest {
    @Test
    void decaysLikeTorchStepLrSteppedAfterEachEpoch() {
        // scheduler = StepLR(optimizer, step_size=1, gamma=0.7): epoch e trains with lr * 0.7^(e-1).
        StepLr everyEpoch = new StepLr(1.0, 1, 0.7);
        assertEquals(1.0, everyEpoch.lr(1), 0);
        assertEquals(0.7, everyEpoch.lr(2), 1e-15);
        assertEquals(0.49, everyEpoch.lr(3), 1e-15);
        StepLr everyThird = new StepLr(0.1, 3, 0.5);
        assertEquals(0.1, everyThird.lr(3), 0);
        assertEquals(0.05, everyThird.lr(4), 1e-15);
    }
}
