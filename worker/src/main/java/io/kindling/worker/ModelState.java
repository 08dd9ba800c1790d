package io.kindling.worker;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A model as it travels between the driver and the executors: flat parameters, flat updater state
 * and the iteration count (Adam's bias correction needs it carried along). The driver holds one
 * between segments of training; a segment's tasks start from it and its first task hands it back.
 */
public final class ModelState implements Serializable {
    private static final long serialVersionUID = 1L;

    // Written by writeObject in bulk; see FloatArrays.
    private transient float[] params;
    private transient float[] updaterState;
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

    /** Takes over another state's arrays and iteration. */
    public void update(ModelState other) {
        this.params = other.params;
        this.updaterState = other.updaterState;
        this.iteration = other.iteration;
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

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        FloatArrays.write(out, params);
        FloatArrays.write(out, updaterState);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        params = FloatArrays.read(in);
        updaterState = FloatArrays.read(in);
    }
}
