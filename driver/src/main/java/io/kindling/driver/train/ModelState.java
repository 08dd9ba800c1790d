package io.kindling.driver.train;

import io.kindling.worker.FlatModel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The model as the driver holds it between rounds: flat parameters, flat updater state and the
 * iteration count. A DL4J network is only materialised on the driver to start and to save.
 */
public final class ModelState {
    private float[] params;
    private float[] updaterState;
    private int iteration;

    public ModelState(float[] params, float[] updaterState, int iteration) {
        this.params = params;
        this.updaterState = updaterState;
        this.iteration = iteration;
    }

    /** The state of an initialised network (its updater state is created, zeroed, if missing). */
    public static ModelState of(MultiLayerNetwork net) {
        return new ModelState(FlatModel.params(net), FlatModel.updaterState(net), net.getIterationCount());
    }

    /** Writes this state into {@code net}, which must have the same configuration. */
    public void applyTo(MultiLayerNetwork net) {
        FlatModel.setParams(net, params);
        FlatModel.setUpdaterState(net, updaterState);
        net.setIterationCount(iteration);
    }

    void update(float[] params, float[] updaterState, int iteration) {
        this.params = params;
        this.updaterState = updaterState;
        this.iteration = iteration;
    }

    public float[] params() {
        return params;
    }

    public float[] updaterState() {
        return updaterState;
    }

    public int iteration() {
        return iteration;
    }
}
