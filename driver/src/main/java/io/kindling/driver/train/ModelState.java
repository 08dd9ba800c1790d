package io.kindling.driver.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
        INDArray updater = net.getUpdater().getStateViewArray();
        return new ModelState(net.params().toFloatVector(),
                updater == null ? new float[0] : updater.toFloatVector(), net.getIterationCount());
    }

    /** Writes this state into {@code net}, which must have the same configuration. */
    public void applyTo(MultiLayerNetwork net) {
        INDArray flat = net.params();
        flat.assign(Nd4j.create(params, flat.shape(), 'c'));
        INDArray updater = net.getUpdater().getStateViewArray();
        if (updater != null) {
            updater.assign(Nd4j.create(updaterState, updater.shape(), 'c'));
        }
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
