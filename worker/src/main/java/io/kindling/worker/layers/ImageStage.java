package io.kindling.worker.layers;

/** A stage whose output is an image: its height and width (the channels are its filters). */
interface ImageStage {
    int outH();

    int outW();
}
