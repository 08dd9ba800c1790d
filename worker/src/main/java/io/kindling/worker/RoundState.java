package io.kindling.worker;

import java.io.Serializable;

/**
 * The model as the driver holds it at the start of an averaging round, broadcast to every worker:
 * flat parameters and updater state, the iteration count (Adam's bias correction needs it carried
 * across rounds) and the learning rate of this epoch.
 */
public record RoundState(int epoch, int round, int iteration, double learningRate, float[] params,
                         float[] updaterState) implements Serializable {
}
