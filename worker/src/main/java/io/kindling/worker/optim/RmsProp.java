package io.kindling.worker.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * torch.optim.RMSprop: {@code v = α·v + (1−α)·g²}, {@code avg = sqrt(v) + eps} (centered:
 * {@code sqrt(v − ḡ²) + eps} with {@code ḡ = α·ḡ + (1−α)·g}); step {@code lr·g/avg}, or with
 * momentum μ {@code b = μ·b + g/avg} and step {@code lr·b}. Defaults are PyTorch's: α 0.99, eps 1e-8.
 */
public final class RmsProp extends TorchOptimizer {
    private double alpha;
    private double epsilon;
    private double momentum;
    private boolean centered;

    public RmsProp() {
        this(0.01, 0.99, 1e-8, 0, false);
    }

    public RmsProp(double learningRate, double alpha, double epsilon, double momentum, boolean centered) {
        super(learningRate);
        this.alpha = alpha;
        this.epsilon = epsilon;
        this.momentum = momentum;
        this.centered = centered;
    }

    @Override
    protected int stateArrays() {
        return stateNames().length;
    }

    @Override
    protected String[] stateNames() {
        List<String> names = new ArrayList<>(List.of("square_avg"));
        if (momentum > 0) {
            names.add("momentum_buffer");
        }
        if (centered) {
            names.add("grad_avg");
        }
        return names.toArray(new String[0]);
    }

    @Override
    protected void update(INDArray g, INDArray[] state, double lr, int step) {
        INDArray squareAvg = state[0];
        squareAvg.muli(alpha).addi(g.mul(g).muli(1 - alpha));
        INDArray avg;
        if (centered) {
            INDArray gradAvg = state[momentum > 0 ? 2 : 1];
            gradAvg.muli(alpha).addi(g.mul(1 - alpha));
            avg = Transforms.sqrt(squareAvg.sub(gradAvg.mul(gradAvg)), false).addi(epsilon);
        } else {
            avg = Transforms.sqrt(squareAvg, true).addi(epsilon);
        }
        if (momentum > 0) {
            INDArray buffer = state[1];
            buffer.muli(momentum).addi(g.div(avg));
            g.assign(buffer.mul(lr));
        } else {
            g.divi(avg).muli(lr);
        }
    }

    @Override
    protected void step(float[] g, float[][] state, int n, double lr, int step) {
        float[] squareAvg = state[0];
        float[] buffer = momentum > 0 ? state[1] : null;
        float[] gradAvg = centered ? state[momentum > 0 ? 2 : 1] : null;
        float a = (float) alpha;
        float keep = (float) (1 - alpha);
        float eps = (float) epsilon;
        float mu = (float) momentum;
        float rate = (float) lr;
        for (int i = 0; i < n; i++) {
            float gi = g[i];
            float sq = squareAvg[i] * a + gi * gi * keep;
            squareAvg[i] = sq;
            float avg;
            if (gradAvg != null) {
                float ga = gradAvg[i] * a + gi * keep;
                gradAvg[i] = ga;
                avg = (float) Math.sqrt(sq - ga * ga) + eps;
            } else {
                avg = (float) Math.sqrt(sq) + eps;
            }
            if (buffer != null) {
                float b = buffer[i] * mu + gi / avg;
                buffer[i] = b;
                g[i] = b * rate;
            } else {
                g[i] = gi / avg * rate;
            }
        }
    }

    @Override
    protected boolean flushesTinyState() {
        return epsilon >= 1e-12;
    }

    @Override
    public RmsProp clone() {
        return withLrOf(new RmsProp(learningRate, alpha, epsilon, momentum, centered));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RmsProp r && r.learningRate == learningRate && r.alpha == alpha && r.epsilon == epsilon
                && r.momentum == momentum && r.centered == centered
                && Objects.equals(r.learningRateSchedule, learningRateSchedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, alpha, epsilon, momentum, centered, learningRateSchedule);
    }

    @Override
    public String toString() {
        return "RMSprop(lr=" + learningRate + ", alpha=" + alpha + ", eps=" + epsilon + ", momentum=" + momentum
                + ", centered=" + centered + ")";
    }
}
