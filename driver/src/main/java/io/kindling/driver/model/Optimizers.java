package io.kindling.driver.model;

import io.kindling.driver.job.OptimizerSpec;
import io.kindling.worker.optim.Adadelta;
import io.kindling.worker.optim.Adam;
import io.kindling.worker.optim.RmsProp;
import io.kindling.worker.optim.Sgd;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;

/** DL4J updaters for the optimisers `--optimizer` offers ({@link OptimizerSpec#NAMES}). */
public final class Optimizers {
    private Optimizers() {
    }

    public static IUpdater updater(OptimizerSpec spec) {
        return switch (spec.name()) {
            case "adadelta" -> new Adadelta(spec.lr(), Adadelta.DEFAULT_RHO, Adadelta.DEFAULT_EPSILON);
            case "adam", "adamw" -> new Adam(spec.lr(), 0.9, 0.999, 1e-8);
            case "rmsprop" -> new RmsProp(spec.lr(), 0.99, 1e-8, spec.momentum(), false);
            default -> new Sgd(spec.lr(), spec.momentum(), spec.nesterov());
        };
    }

    /**
     * Sets a layer's weight decay. PyTorch's {@code weight_decay} adds {@code wd·p} to the gradient of
     * weights and biases before the step: DL4J's L2. AdamW's decay is decoupled, {@code p −= lr·wd·p}
     * next to the step: DL4J's weight decay scaled by the LR. It is set per layer because DL4J M2.1
     * copies a network-wide weight decay into each layer twice (its merge de-duplicates only L1/L2).
     */
    public static void decay(BaseLayer layer, OptimizerSpec spec) {
        if (spec.weightDecay() <= 0) {
            return;
        }
        Regularization decay = spec.name().equals("adamw")
                ? new WeightDecay(spec.weightDecay(), true) : new L2Regularization(spec.weightDecay());
        layer.setRegularization(new ArrayList<>(List.of(decay)));
        layer.setRegularizationBias(new ArrayList<>(List.of(decay)));
    }
}
