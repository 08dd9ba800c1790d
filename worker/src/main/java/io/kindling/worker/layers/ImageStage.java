package io.kindling.worker.layers;

/**
 * A convolution stage, whose output is an image (the channels are its filters). A 2 × 2 max
 * pooling with stride 2 right after it can be taken in: the stage then outputs the pooled image,
 * and applies its activation's gradient at the pooled outputs only (see the implementations).
 */
interface ImageStage {
    /** The convolution's geometry for one example. */
    Im2col geometry();

    ElementwiseActivation activation();

    /** Whether the max pooling after it is taken in. */
    boolean isMaxPooled();

    /** This stage with the max pooling after it taken in. */
    Stage withMaxPooling();

    /**
     * Whether {@link #withMaxPooling} may be taken: not yet, and the activation's gradient at a
     * window's maximum follows from the pooled output alone.
     */
    default boolean canTakeInMaxPooling() {
        return !isMaxPooled() && activation().gradientFollowsFromOutput();
    }

    default int outH() {
        return isMaxPooled() ? geometry().outH() / 2 : geometry().outH();
    }

    default int outW() {
        return isMaxPooled() ? geometry().outW() / 2 : geometry().outW();
    }
}
