package io.kindling.driver.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.driver.job.EpochResult;
import io.kindling.driver.job.EpochStats;
import io.kindling.worker.EvalStats;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * 20 epochs of each scheduler against torch.optim.lr_scheduler: the closed forms in PyTorch's docs
 * (last_epoch = epoch − 1), a few values worked out by hand, and ReduceLROnPlateau traced by hand
 * through PyTorch's step().
 */
class LrScheduleTest {
    private static final double BASE = 0.1;

    @Test
    void stepLr() {
        compare(new StepLr(BASE, 3, 0.5), e -> BASE * Math.pow(0.5, Math.floor((e - 1) / 3.0)));
        assertEquals(0.05, new StepLr(BASE, 3, 0.5).lr(4), 1e-15);
        assertEquals(0.025, new StepLr(BASE, 3, 0.5).lr(7), 1e-15);
        // The seed's StepLR(optimizer, step_size=1, gamma=0.7) on Adadelta(lr=1.0).
        StepLr seed = new StepLr(1.0, 1, 0.7);
        assertEquals(1.0, seed.lr(1), 0);
        assertEquals(0.7, seed.lr(2), 1e-15);
        assertEquals(0.49, seed.lr(3), 1e-15);
    }

    @Test
    void multiStepLr() {
        MultiStepLr s = new MultiStepLr(BASE, List.of(5, 12), 0.1);
        compare(s, e -> BASE * Math.pow(0.1, (e - 1 >= 5 ? 1 : 0) + (e - 1 >= 12 ? 1 : 0)));
        assertEquals(0.1, s.lr(5), 1e-15);
        assertEquals(0.01, s.lr(6), 1e-15);
        assertEquals(0.001, s.lr(13), 1e-15);
    }

    @Test
    void exponentialLr() {
        compare(new ExponentialLr(BASE, 0.9), e -> BASE * Math.pow(0.9, e - 1));
    }

    @Test
    void cosineAnnealingLrIncludingPastTMax() {
        CosineAnnealingLr s = new CosineAnnealingLr(BASE, 10, 0.001);
        compare(s, e -> 0.001 + (BASE - 0.001) * (1 + Math.cos(Math.PI * (e - 1) / 10)) / 2);
        assertEquals(0.0505, s.lr(6), 1e-12);
        assertEquals(0.001, s.lr(11), 1e-12);
        assertEquals(BASE, s.lr(21), 1e-12);
    }

    @Test
    void lambdaLr() {
        compare(new LambdaLr(BASE, "0.95^epoch"), e -> BASE * Math.pow(0.95, e - 1));
        compare(new LambdaLr(BASE, "1 / (1 + epoch) * min(epoch, 3)"),
                e -> BASE / e * Math.min(e - 1, 3));
    }

    @Test
    void reduceLrOnPlateauFollowsPyTorchsStep() {
        // mode min, factor 0.5, patience 2, threshold 0.1 rel, cooldown 1, min_lr 0.01; test losses:
        double[] losses = {1.0, 0.95, 0.85, 0.84, 0.83, 0.82, 0.81, 0.80, 0.80, 0.80,
                           0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
        // e2 not 10 % better than 1.0: bad 1; e3 better (best 0.85); e4–e6 bad 1..3 > patience: halve
        // after e6, cooldown 1 swallows e7's bad epoch; e8–e10 bad 1..3: halve after e10; e11 better;
        // e12–e14 bad: halve after e14; e15 cooldown; e16–e18 bad: halve, but not below min_lr.
        double[] expected = {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05,
                             0.025, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.0125, 0.0125, 0.01, 0.01};
        LrSchedule s = ReduceLrOnPlateau.starting(BASE, "test_loss", "min", 0.5, 2, 0.1, "rel", 1, 0.01);
        for (int e = 1; e <= 20; e++) {
            assertEquals(expected[e - 1], s.lr(e), 1e-15, "epoch " + e);
            s = s.afterEpoch(epoch(e, losses[e - 1], 0.5));
        }
    }

    @Test
    void reduceLrOnPlateauInMaxModeWithAnAbsoluteThreshold() {
        // Accuracy 0.50, 0.55 (better by more than 0.01), 0.555, 0.556 (not): after 2 bad epochs > patience 1, lr × 0.1.
        LrSchedule s = ReduceLrOnPlateau.starting(BASE, "test_accuracy", "max", 0.1, 1, 0.01, "abs", 0, 0);
        double[] accuracies = {0.50, 0.55, 0.555, 0.556, 0.60};
        double[] expected = {0.1, 0.1, 0.1, 0.1, 0.01};
        for (int e = 1; e <= 5; e++) {
            assertEquals(expected[e - 1], s.lr(e), 1e-15, "epoch " + e);
            s = s.afterEpoch(epoch(e, 1.0, accuracies[e - 1]));
        }
    }

    @Test
    void anLrGivenOnResumeBecomesTheRateOfThatEpochAndTheScheduleGoesOnFromIt() {
        assertEquals(0.2 * 0.5, new StepLr(BASE, 3, 0.5).withLrAt(4, 0.2).lr(7), 1e-15);
        assertEquals(0.2 * 0.9, new ExponentialLr(BASE, 0.9).withLrAt(5, 0.2).lr(6), 1e-15);
        assertEquals(0.2, new CosineAnnealingLr(BASE, 10, 0.001).withLrAt(4, 0.2).lr(4), 1e-15);
    }

    @Test
    void schedulesRoundTripThroughCheckpointJson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        LrSchedule plateau = ReduceLrOnPlateau.starting(BASE, "test_loss", "min", 0.5, 2, 0.1, "rel", 1, 0.01)
                .afterEpoch(epoch(1, 0.7, 0.5));
        for (LrSchedule s : List.of(new StepLr(BASE, 2, 0.7), new MultiStepLr(BASE, List.of(3, 6), 0.1),
                new ExponentialLr(BASE, 0.9), new CosineAnnealingLr(BASE, 10, 0), new LambdaLr(BASE, "0.95^epoch"),
                new ConstantLr(BASE), plateau)) {
            String text = json.writerFor(LrSchedule.class).writeValueAsString(s);
            assertEquals(s, json.readValue(text, LrSchedule.class), text);
        }
    }

    private static void compare(LrSchedule schedule, IntToDoubleFunction pytorch) {
        for (int e = 1; e <= 20; e++) {
            assertEquals(pytorch.applyAsDouble(e), schedule.lr(e), 1e-12, "epoch " + e);
        }
    }

    private static EpochResult epoch(int e, double testLoss, double testAccuracy) {
        return new EpochResult(e, 0, new EpochStats(100, 1, 1, 1.0, 1, 1), null,
                new EvalStats(testLoss * 1000, Math.round(testAccuracy * 1000), 1000), 0);
    }
}
