package io.kindling.worker.layers;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;

/** An activation layer of its own (DL4J's {@code ActivationLayer}): element by element, on any shape. */
final class ActivationStage extends Stage {
    private final ElementwiseActivation activation;

    ActivationStage(int values, ElementwiseActivation activation) {
        super(values, values);
        this.activation = activation;
    }

    @Override
    void forward(FloatPointer x, FloatBuffer xValues, int examples, boolean training, FloatPointer params) {
        activation.apply(xValues, output, examples * out);
    }

    @Override
    boolean backward(FloatPointer x, FloatBuffer xValues, int examples, Deltas deltas, FloatPointer params,
                     FloatPointer grads, boolean inputGradient) {
        activation.gradient(xValues, output, deltas.out, examples * out);
        return false;
    }
}
