package io.kindling.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** Parameters and updater state in and out of a real network, as the layers see them. */
class FlatModelTest {
    private static float[] random(int n, long seed) {
        Random random = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextFloat() - 0.5f;
        }
        return a;
    }

    @Test
    void valuesSetAreWhatTheNetworkAndItsUpdaterHold() {
        MultiLayerNetwork net = new MultiLayerNetwork(TinyNets.mlp(new Adam(0.01)));
        net.init();
        float[] params = random((int) net.numParams(), 1);
        FlatModel.setParams(net, params);
        assertArrayEquals(params, net.params().toFloatVector());
        assertArrayEquals(params, FlatModel.params(net));
        // The layers' own views see the new values: the first layer's weights start the flat array.
        float[] firstWeights = Nd4j.toFlattened('f', net.getLayer(0).getParam("W")).toFloatVector();
        assertArrayEquals(java.util.Arrays.copyOf(params, firstWeights.length), firstWeights);

        float[] state = random(FlatModel.updaterState(net).length, 2);
        FlatModel.setUpdaterState(net, state);
        assertArrayEquals(state, net.getUpdater().getStateViewArray().toFloatVector());
        assertArrayEquals(state, FlatModel.updaterState(net));
    }

    @Test
    void wrongLengthIsRefused() {
        MultiLayerNetwork net = new MultiLayerNetwork(TinyNets.mlp(new Adam(0.01)));
        net.init();
        assertThrows(IllegalArgumentException.class, () -> FlatModel.setParams(net, new float[3]));
    }
}
