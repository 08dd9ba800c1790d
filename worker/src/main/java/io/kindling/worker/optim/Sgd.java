package io.kindling.worker.optim;

import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * torch.optim.SGD (dampening 0): with momentum μ the buffer is {@code b = μ·b + g} and the step is
 * {@code lr·b}, or {@code lr·(g + μ·b)} with Nesterov; without momentum it is {@code lr·g}. The
 * learning rate stays outside the buffer, as in PyTorch, so a schedule changes the step at once.
 */
public final class Sgd extends TorchOptimizer {
    private double momentum;
    private boolean nesterov;

    public Sgd() {
        this(0.01, 0, false);
    }

    public Sgd(double learningRate, double momentum, boolean nesterov) {
        super(learningRate);
        if (nesterov && momentum <= 0) {
            throw new IllegalArgumentException("--nesterov needs --momentum > 0");
        }
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override
    protected int stateArrays() {
        return momentum > 0 ? 1 : 0;
    }

    @Override
    protected String[] stateNames() {
        return momentum > 0 ? new String[] {"momentum_buffer"} : new String[0];
    }

    @Override
    protected void update(INDArray g, INDArray[] state, double lr, int step) {
        if (momentum > 0) {
            INDArray buffer = state[0];
            buffer.muli(momentum).addi(g);
            if (nesterov) {
                g.addi(buffer.mul(momentum));
            } else {
                g.assign(buffer);
            }
        }
        g.muli(lr);
    }

    @Override
    protected void step(float[] g, float[][] state, int n, double lr, int step) {
        float rate = (float) lr;
        if (momentum <= 0) {
            for (int i = 0; i < n; i++) {
                g[i] *= rate;
            }
            return;
        }
        float[] buffer = state[0];
        float mu = (float) momentum;
        for (int i = 0; i < n; i++) {
            float b = buffer[i] * mu + g[i];
            buffer[i] = b;
            g[i] = (nesterov ? g[i] + b * mu : b) * rate;
        }
    }

    @Override
    public Sgd clone() {
        return withLrOf(new Sgd(learningRate, momentum, nesterov));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sgd s && s.learningRate == learningRate && s.momentum == momentum
                && s.nesterov == nesterov && Objects.equals(s.learningRateSchedule, learningRateSchedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, momentum, nesterov, learningRateSchedule);
    }

    @Override
    public String toString() {
        return "SGD(lr=" + learningRate + ", momentum=" + momentum + ", nesterov=" + nesterov + ")";
    }
}
