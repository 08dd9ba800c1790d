package io.kindling.worker.optim;

import io.kindling.worker.NativeFloats;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * Base of the optimisers that follow torch.optim's update rules exactly. The learning rate is read
 * from this configuration at every step, so changing it (an LR scheduler) needs no updater rebuild.
 * The per-parameter state (momentum buffers, running averages) lives in the network's updater state
 * view, which Kindling averages across workers with the parameters.
 */
public abstract class TorchOptimizer implements IUpdater {
    protected double learningRate;
    protected ISchedule learningRateSchedule;

    protected TorchOptimizer(double learningRate) {
        this.learningRate = learningRate;
    }

    /** How many arrays of the parameters' size the state holds (0 for plain SGD). */
    protected abstract int stateArrays();

    /** The names of the state arrays, in view order. */
    protected abstract String[] stateNames();

    /**
     * Turns {@code gradient} into the update that is subtracted from the parameters, in place.
     *
     * @param state this block's state arrays, shaped like the gradient (views: updates stick)
     * @param step  1 for the first update (PyTorch's {@code step} counter)
     */
    protected abstract void update(INDArray gradient, INDArray[] state, double lr, int step);

    /**
     * The same rule on the first {@code n} values of plain arrays, in float: {@code g} is the
     * gradient and becomes the update; {@code state} holds this chunk of each state array. The
     * fused training step ({@link FlatStep}) runs it over the whole flat parameter vector.
     */
    protected abstract void step(float[] g, float[][] state, int n, double lr, int step);

    /**
     * Whether state values under 1e-30 may be set to zero: true where they change no update by
     * more than float rounding (an epsilon of at least 1e-12 next to them). Decaying state (a
     * unit that no longer gets gradients) otherwise sinks into subnormal floats, on which every
     * operation costs about a hundred cycles: ten times the whole step.
     */
    protected boolean flushesTinyState() {
        return true;
    }

    /** How often, in steps, tiny state values are set to zero, and below what magnitude. */
    static final int FLUSH_EVERY = 128;
    private static final float TINY = 1e-30f;
    private static final int CHUNK = 1 << 13;

    /** Whether step {@code step} (1 for the first) ends by flushing tiny state values. */
    boolean flushesAt(int step) {
        return step % FLUSH_EVERY == 0 && stateArrays() > 0 && flushesTinyState();
    }

    /** Sets the first {@code n} values under 1e-30 in magnitude to zero. */
    static void flushTiny(float[] values, int n) {
        for (int i = 0; i < n; i++) {
            if (Math.abs(values[i]) < TINY) {
                values[i] = 0f;
            }
        }
    }

    @Override
    public long stateSize(long numParams) {
        return stateArrays() * numParams;
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        Step step = new Step(this);
        if (stateArrays() > 0) {
            INDArray flat = viewArray.reshape(viewArray.length());
            step.setStateViewArray(flat, new long[] {flat.length() / stateArrays()}, 'c', initializeViewArray);
        }
        return step;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        Step step = new Step(this);
        step.setState(updaterState, initializeStateArrays);
        return step;
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
    public abstract TorchOptimizer clone();

    /** Copies the learning rate and schedule of this into {@code copy}. */
    protected <T extends TorchOptimizer> T withLrOf(T copy) {
        copy.learningRateSchedule = learningRateSchedule == null ? null : learningRateSchedule.clone();
        return copy;
    }

    /** The GradientUpdater: state views cut from DL4J's updater state array, then the subclass's rule. */
    private static final class Step implements GradientUpdater<TorchOptimizer> {
        private final TorchOptimizer config;
        private INDArray[] state = new INDArray[0];

        Step(TorchOptimizer config) {
            this.config = config;
        }

        @Override
        public TorchOptimizer getConfig() {
            return config;
        }

        @Override
        public void setState(Map<String, INDArray> stateMap, boolean initialize) {
            String[] names = config.stateNames();
            state = new INDArray[names.length];
            for (int i = 0; i < names.length; i++) {
                state[i] = stateMap.get(names[i]);
                if (initialize) {
                    state[i].assign(0);
                }
            }
        }

        @Override
        public Map<String, INDArray> getState() {
            Map<String, INDArray> map = new HashMap<>();
            String[] names = config.stateNames();
            for (int i = 0; i < state.length; i++) {
                map.put(names[i], state[i]);
            }
            return map;
        }

        @Override
        public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
            INDArray flat = viewArray.reshape(viewArray.length());
            if (initialize) {
                flat.assign(0);
            }
            int k = config.stateArrays();
            long n = flat.length() / k;
            state = new INDArray[k];
            for (int i = 0; i < k; i++) {
                state[i] = flat.get(NDArrayIndex.interval(i * n, (i + 1) * n));
            }
        }

        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            INDArray[] shaped = new INDArray[state.length];
            for (int i = 0; i < state.length; i++) {
                shaped[i] = state[i].reshape('c', gradient.shape());
            }
            config.update(gradient, shaped, config.getLearningRate(iteration, epoch), iteration + 1);
            if (config.flushesAt(iteration + 1)) {
                for (INDArray array : state) {
                    flush(array);
                }
            }
        }

        // On the CPU backend, a chunk at a time through an array; elsewhere the state keeps its tiny values
        private static void flush(INDArray array) {
            FloatPointer p = NativeFloats.of(array);
            if (p == null) {
                return;
            }
            long n = array.length();
            float[] chunk = new float[(int) Math.min(CHUNK, n)];
            for (long from = 0; from < n; from += CHUNK) {
                int m = (int) Math.min(CHUNK, n - from);
                NativeFloats.get(p, from, chunk, m);
                flushTiny(chunk, m);
                NativeFloats.put(chunk, m, p, from);
            }
        }
    }
}
