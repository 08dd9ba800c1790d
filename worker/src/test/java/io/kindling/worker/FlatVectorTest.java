package io.kindling.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;

/** A network's parameters and updater state as one vector: reads and writes across the seam, both paths. */
class FlatVectorTest {
    @Test
    void parametersAndUpdaterStateReadAndWriteAsOneVector() {
        MultiLayerNetwork net = new MultiLayerNetwork(TinyNets.mlp(new Adam(0.01)));
        net.init();
        float[] params = net.params().toFloatVector();
        float[] state = net.getUpdater().getStateViewArray().toFloatVector();
        FlatVector native_ = FlatVector.of(net, true);
        FlatVector nd4j = FlatVector.throughNd4j(net.params(), net.getUpdater().getStateViewArray());
        assertEquals(params.length + state.length, native_.length());
        for (FlatVector v : new FlatVector[] {native_, nd4j}) {
            // 10 values on each side of the seam between parameters and state
            ByteBuffer out = ByteBuffer.allocate(20 * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            v.read(params.length - 10, out);
            out.flip();
            for (int i = 0; i < 20; i++) {
                float expected = i < 10 ? params[params.length - 10 + i] : state[i - 10];
                assertEquals(expected, out.getFloat(), "value " + i);
            }
        }
        ByteBuffer in = ByteBuffer.allocate(20 * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 20; i++) {
            in.putFloat(1000 + i);
        }
        nd4j.write(params.length - 10, in.flip());
        assertEquals(1009f, net.params().getFloat(params.length - 1));
        assertEquals(1010f, net.getUpdater().getStateViewArray().getFloat(0));
        native_.write(params.length - 10, in.rewind());
        assertEquals(1000f, net.params().getFloat(params.length - 10), "the native view is the network's memory");
        assertThrows(IndexOutOfBoundsException.class, () -> native_.write(native_.length() - 1, in.rewind()));
    }

    @Test
    void copiesGoBetweenHeapVectorsAndNetworks() {
        MultiLayerNetwork net = new MultiLayerNetwork(TinyNets.mlp(new Adam(0.01)));
        net.init();
        FlatVector model = FlatVector.of(net, false);
        FlatVector copy = FlatVector.onHeap(model.length());
        model.copyTo(copy);
        float[] before = net.params().toFloatVector();
        net.params().assign(Nd4j.zeros(net.params().shape()));
        copy.copyTo(model);
        assertArrayEquals(before, net.params().toFloatVector());
        MultiLayerNetwork sgd = new MultiLayerNetwork(TinyNets.mlp(new Sgd(0.1)));
        sgd.init();
        assertEquals(0, FlatVector.updaterState(sgd).length(), "plain SGD keeps no state");
    }
}
