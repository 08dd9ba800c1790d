package io.kindling.worker.optim;

import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdaDeltaUpdater;
import org.nd4j.linalg.factory.Nd4j;

/**
 * torch.optim.Adadelta: DL4J's AdaDelta step (its fused native op, the same arithmetic as PyTorch)
 * scaled by a learning rate, which DL4J's has not, so that {@code Adadelta(lr=1.0, rho=0.9,
 * eps=1e-6)} and its LR schedulers carry over. The state (E[g²] and E[Δx²]) is unscaled, as in PyTorch.
 */
public final class Adadelta extends TorchOptimizer {
    public static final double DEFAULT_LR = 1.0;
    public static final double DEFAULT_RHO = 0.9;
    public static final double DEFAULT_EPSILON = 1e-6;

    private double rho;
    private double epsilon;

    public Adadelta() {
        this(DEFAULT_LR, DEFAULT_RHO, DEFAULT_EPSILON);
    }

    public Adadelta(double learningRate, double rho, double epsilon) {
        super(learningRate);
        this.rho = rho;
        this.epsilon = epsilon;
    }

    @Override
    protected int stateArrays() {
        return 2;
    }

    @Override
    protected String[] stateNames() {
        return new String[] {"square_avg", "acc_delta"};
    }

    @Override
    protected void update(INDArray g, INDArray[] state, double lr, int step) {
        Nd4j.exec(new AdaDeltaUpdater(g, state[0], state[1], rho, epsilon));
        g.muli(lr);
    }

    @Override
    public Adadelta clone() {
        return withLrOf(new Adadelta(learningRate, rho, epsilon));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Adadelta a && a.learningRate == learningRate && a.rho == rho && a.epsilon == epsilon
                && Objects.equals(a.learningRateSchedule, learningRateSchedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, rho, epsilon, learningRateSchedule);
    }

    @Override
    public String toString() {
        return "Adadelta(lr=" + learningRate + ", rho=" + rho + ", eps=" + epsilon + ")";
    }
}
