package io.kindling.worker.optim;

import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.AdaDelta;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * Adadelta as PyTorch defines it: DL4J's AdaDelta step scaled by a learning rate (DL4J's has none),
 * so that {@code torch.optim.Adadelta(lr=1.0, rho=0.9, eps=1e-6)} and its LR schedulers carry over.
 * The state (running E[g^2] and E[dx^2]) is DL4J's, unscaled, exactly as in PyTorch.
 */
public final class Adadelta implements IUpdater {
    public static final double DEFAULT_LR = 1.0;
    public static final double DEFAULT_RHO = 0.9;
    public static final double DEFAULT_EPSILON = 1e-6;

    private double learningRate;
    private double rho;
    private double epsilon;
    private ISchedule learningRateSchedule;

    public Adadelta() {
        this(DEFAULT_LR, DEFAULT_RHO, DEFAULT_EPSILON);
    }

    public Adadelta(double learningRate, double rho, double epsilon) {
        this.learningRate = learningRate;
        this.rho = rho;
        this.epsilon = epsilon;
    }

    public double getRho() {
        return rho;
    }

    public double getEpsilon() {
        return epsilon;
    }

    @Override
    public long stateSize(long numParams) {
        return 2 * numParams;
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        return new Updater(this, new AdaDelta(rho, epsilon).instantiate(viewArray, initializeViewArray));
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        return new Updater(this, new AdaDelta(rho, epsilon).instantiate(updaterState, initializeStateArrays));
    }

    @Override
    public Adadelta clone() {
        Adadelta copy = new Adadelta(learningRate, rho, epsilon);
        copy.learningRateSchedule = learningRateSchedule == null ? null : learningRateSchedule.clone();
        return copy;
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRateSchedule != null ? learningRateSchedule.valueAt(iteration, epoch) : learningRate;
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        this.learningRate = lr;
        this.learningRateSchedule = lrSchedule;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Adadelta a && a.learningRate == learningRate && a.rho == rho
                && a.epsilon == epsilon && Objects.equals(a.learningRateSchedule, learningRateSchedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, rho, epsilon, learningRateSchedule);
    }

    @Override
    public String toString() {
        return "Adadelta(lr=" + learningRate + ", rho=" + rho + ", eps=" + epsilon + ")";
    }

    /** DL4J's AdaDelta updater, its output multiplied by the learning rate. */
    private static final class Updater implements GradientUpdater<Adadelta> {
        private final Adadelta config;
        private final GradientUpdater<?> adaDelta;

        Updater(Adadelta config, GradientUpdater<?> adaDelta) {
            this.config = config;
            this.adaDelta = adaDelta;
        }

        @Override
        public Adadelta getConfig() {
            return config;
        }

        @Override
        public void setState(Map<String, INDArray> stateMap, boolean initialize) {
            adaDelta.setState(stateMap, initialize);
        }

        @Override
        public Map<String, INDArray> getState() {
            return adaDelta.getState();
        }

        @Override
        public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder,
                                      boolean initialize) {
            adaDelta.setStateViewArray(viewArray, gradientShape, gradientOrder, initialize);
        }

        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            adaDelta.applyUpdater(gradient, iteration, epoch);
            gradient.muli(config.getLearningRate(iteration, epoch));
        }
    }
}
