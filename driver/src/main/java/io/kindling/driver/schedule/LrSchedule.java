package io.kindling.driver.schedule;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.kindling.driver.job.EpochResult;
import io.kindling.driver.job.SchedulerSpec;

/**
 * A learning-rate scheduler stepped once per epoch, with the meaning of its torch.optim.lr_scheduler
 * namesake. Epochs are 1-based here; PyTorch's {@code last_epoch} is {@code epoch − 1}. Schedules are
 * immutable values: {@link #afterEpoch} returns the schedule for the next epoch (only
 * ReduceLROnPlateau changes), and checkpoints save them as JSON.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ConstantLr.class, name = "none"),
    @JsonSubTypes.Type(value = StepLr.class, name = "step"),
    @JsonSubTypes.Type(value = MultiStepLr.class, name = "multistep"),
    @JsonSubTypes.Type(value = ExponentialLr.class, name = "exponential"),
    @JsonSubTypes.Type(value = CosineAnnealingLr.class, name = "cosine"),
    @JsonSubTypes.Type(value = LambdaLr.class, name = "lambda"),
    @JsonSubTypes.Type(value = ReduceLrOnPlateau.class, name = "plateau")
})
public sealed interface LrSchedule
        permits ConstantLr, StepLr, MultiStepLr, ExponentialLr, CosineAnnealingLr, LambdaLr, ReduceLrOnPlateau {

    /** The schedule a job starting at {@code lr} for {@code epochs} epochs follows. */
    static LrSchedule of(SchedulerSpec spec, double lr, int epochs) {
        return switch (spec.name()) {
            case "step" -> new StepLr(lr, spec.stepSize(), spec.gamma());
            case "multistep" -> new MultiStepLr(lr, spec.milestones(), spec.gamma());
            case "exponential" -> new ExponentialLr(lr, spec.gamma());
            case "cosine" -> new CosineAnnealingLr(lr, spec.tMax() > 0 ? spec.tMax() : epochs, spec.etaMin());
            case "plateau" -> ReduceLrOnPlateau.starting(lr, spec.metric(), spec.mode(), spec.factor(), spec.patience(),
                    spec.threshold(), spec.thresholdMode(), spec.cooldown(), spec.minLr());
            case "lambda" -> new LambdaLr(lr, spec.lambda());
            default -> new ConstantLr(lr);
        };
    }

    /** The learning rate epoch {@code epoch} (1-based) trains with. */
    double lr(int epoch);

    /** The schedule once {@code result}'s epoch has ended. */
    default LrSchedule afterEpoch(EpochResult result) {
        return this;
    }

    /** The same schedule, scaled so that {@code epoch} trains with {@code lr} (an --lr given on resume). */
    LrSchedule withLrAt(int epoch, double lr);
}
