package io.kindling.worker;

import io.kindling.datasets.Example;
import io.kindling.datasets.Normalization;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Builds ND4J minibatches from raw examples: normalised flat features and one-hot labels. */
public final class MinibatchAssembler {
    private final float[] pixelValues;
    private final int numClasses;

    public MinibatchAssembler(Normalization normalization, int numClasses) {
        this.pixelValues = normalization.lookupTable();
        this.numClasses = numClasses;
    }

    /** Examples {@code [from, to)} of {@code examples} as one minibatch. */
    public DataSet assemble(Example[] examples, int from, int to) {
        int rows = to - from;
        int width = examples[from].pixels().length;
        float[] features = new float[rows * width];
        float[] labels = new float[rows * numClasses];
        for (int r = 0; r < rows; r++) {
            Example e = examples[from + r];
            byte[] pixels = e.pixels();
            int offset = r * width;
            for (int i = 0; i < width; i++) {
                features[offset + i] = pixelValues[pixels[i] & 0xff];
            }
            labels[r * numClasses + e.label()] = 1f;
        }
        INDArray x = Nd4j.create(features, new long[] {rows, width}, 'c');
        INDArray y = Nd4j.create(labels, new long[] {rows, numClasses}, 'c');
        return new DataSet(x, y);
    }
}
