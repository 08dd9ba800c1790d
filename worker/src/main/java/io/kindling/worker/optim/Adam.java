package io.kindling.worker.optim;

import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * torch.optim.Adam: {@code m = β1·m + (1−β1)·g}, {@code v = β2·v + (1−β2)·g²}, step
 * {@code lr · m̂ / (sqrt(v̂) + eps)} with the bias corrections of step t. (DL4J's own Adam adds eps
 * before the bias correction of v, which moves its numbers slightly away from PyTorch's.) AdamW is
 * this plus decoupled weight decay, which DL4J applies after the updater.
 */
public final class Adam extends TorchOptimizer {
    private double beta1;
    private double beta2;
    private double epsilon;

    public Adam() {
        this(1e-3, 0.9, 0.999, 1e-8);
    }

    public Adam(double learningRate, double beta1, double beta2, double epsilon) {
        super(learningRate);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @Override
    protected int stateArrays() {
        return 2;
    }

    @Override
    protected String[] stateNames() {
        return new String[] {"exp_avg", "exp_avg_sq"};
    }

    @Override
    protected void update(INDArray g, INDArray[] state, double lr, int step) {
        INDArray m = state[0];
        INDArray v = state[1];
        m.muli(beta1).addi(g.mul(1 - beta1));
        v.muli(beta2).addi(g.mul(g).muli(1 - beta2));
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        INDArray denominator = Transforms.sqrt(v, true).divi(Math.sqrt(correction2)).addi(epsilon);
        g.assign(m.div(denominator).muli(lr / correction1));
    }

    @Override
    protected void step(float[] g, float[][] state, int n, double lr, int step) {
        float[] m = state[0];
        float[] v = state[1];
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float keep1 = (float) (1 - beta1);
        float keep2 = (float) (1 - beta2);
        float root2 = (float) Math.sqrt(1 - Math.pow(beta2, step));
        float eps = (float) epsilon;
        float scale = (float) (lr / (1 - Math.pow(beta1, step)));
        for (int i = 0; i < n; i++) {
            float gi = g[i];
            float mi = m[i] * b1 + gi * keep1;
            float vi = v[i] * b2 + gi * gi * keep2;
            m[i] = mi;
            v[i] = vi;
            g[i] = mi / ((float) Math.sqrt(vi) / root2 + eps) * scale;
        }
    }

    @Override
    protected boolean flushesTinyState() {
        return epsilon >= 1e-12;
    }

    @Override
    public Adam clone() {
        return withLrOf(new Adam(learningRate, beta1, beta2, epsilon));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Adam a && a.learningRate == learningRate && a.beta1 == beta1 && a.beta2 == beta2
                && a.epsilon == epsilon && Objects.equals(a.learningRateSchedule, learningRateSchedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, beta1, beta2, epsilon, learningRateSchedule);
    }

    @Override
    public String toString() {
        return "Adam(lr=" + learningRate + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + epsilon + ")";
    }
}
