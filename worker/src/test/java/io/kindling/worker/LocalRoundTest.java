package io.kindling.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.Example;
import io.kindling.datasets.Normalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

class LocalRoundTest {
    private final MultiLayerConfiguration conf = TinyNets.mlp(new Adam(0.01));
    private final WorkerConfig config = new WorkerConfig(conf.toJson(), 64, 5, 10, Normalization.MNIST, 1, 1, true, 0);

    @Test
    void aRoundFitsTheNextKMinibatchesIncludingTheLastPartialOneLikePlainFit() {
        Example[] slice = TinyNets.examples(150, 4);
        MultiLayerNetwork start = new MultiLayerNetwork(conf);
        start.init();
        RoundState state = new RoundState(1, 0, 7, 0.01, start.params().toFloatVector(),
                start.getUpdater().getStateViewArray().toFloatVector());

        RoundResult result = LocalRound.run(config, state, slice, 0);

        MultiLayerNetwork plain = new MultiLayerNetwork(conf);
        plain.init();
        plain.params().assign(start.params());
        plain.setIterationCount(7);
        MinibatchAssembler assembler = new MinibatchAssembler(Normalization.MNIST, 10);
        plain.fit(assembler.assemble(slice, 0, 64));
        plain.fit(assembler.assemble(slice, 64, 128));
        plain.fit(assembler.assemble(slice, 128, 150));

        assertEquals(150, result.examples());
        assertEquals(3, result.minibatches());
        assertEquals(3, result.maxSteps());
        assertArrayEquals(plain.params().toFloatVector(), result.params());
        assertArrayEquals(plain.getUpdater().getStateViewArray().toFloatVector(), result.updaterState());
        int[] expectedOrder = new int[150];
        for (int i = 0; i < 150; i++) {
            expectedOrder[i] = slice[i].index();
        }
        assertArrayEquals(expectedOrder, result.trainedIndices());
    }

    @Test
    void aRoundPastTheLastMinibatchTrainsNothing() {
        Example[] slice = TinyNets.examples(150, 4);
        RoundState state = new RoundState(1, 1, 3, 0.01, new float[0], new float[0]);
        RoundResult result = LocalRound.run(config, state, slice, 0);
        assertEquals(0, result.examples());
        assertEquals(0, result.minibatches());
    }

    @Test
    void networksAreBuiltOncePerJvmAndReused() {
        Example[] slice = TinyNets.examples(64, 5);
        MultiLayerNetwork start = new MultiLayerNetwork(conf);
        start.init();
        RoundState state = new RoundState(1, 0, 0, 0.01, start.params().toFloatVector(),
                start.getUpdater().getStateViewArray().toFloatVector());
        LocalRound.run(config, state, slice, 0);
        int built = NetworkPool.built();
        for (int i = 0; i < 5; i++) {
            LocalRound.run(config, state, slice, 0);
        }
        assertEquals(built, NetworkPool.built());
        assertTrue(built >= 1);
    }
}
