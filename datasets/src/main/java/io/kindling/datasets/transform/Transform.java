package io.kindling.datasets.transform;

import java.io.Serializable;
import java.util.SplittableRandom;

/** One step of a transform pipeline, as torchvision.transforms names it. */
public sealed interface Transform extends Serializable
        permits Resize, RandomCrop, RandomHorizontalFlip, ToTensor, Normalize {

    /** Random augmentations apply to training examples only, as in a tutorial's separate test transform. */
    default boolean trainingOnly() {
        return false;
    }

    /** Whether the step needs image data (CxHxW), not a row of features. */
    default boolean needsImage() {
        return false;
    }

    /** The shape this step makes of {@code in} (channels, height, width). */
    default int[] shape(int[] in) {
        return in;
    }

    /**
     * The transformed example. Steps that keep the shape may work in place: a pipeline's tensor is
     * its own, made from the example for this one pass.
     */
    Tensor apply(Tensor in, SplittableRandom random);

    /** The pipeline text of this step, e.g. {@code hflip(0.5)}. */
    String text();
}
