package io.kindling.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.Example;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

class LocalRoundTest {
    private final MultiLayerConfiguration conf = TinyNets.mlp(new Adam(0.01));
    private final WorkerConfig config = TinyNets.config(conf, 64, 5, 1, true);

    @Test
    void aRoundFitsItsChunksMinibatchesIncludingTheLastPartialOneLikePlainFit() {
        List<Example> chunk = TinyNets.examples(150, 4);
        MultiLayerNetwork start = new MultiLayerNetwork(conf);
        start.init();
        RoundState state = new RoundState(1, 0, 7, 0.01, start.params().toFloatVector(),
                start.getUpdater().getStateViewArray().toFloatVector());

        RoundResult result = LocalRound.run(config, state, chunk, 0);

        MultiLayerNetwork plain = new MultiLayerNetwork(conf);
        plain.init();
        plain.params().assign(start.params());
        plain.setIterationCount(7);
        MinibatchAssembler assembler = TinyNets.assembler();
        plain.fit(assembler.assemble(chunk, 0, 64, true, 1));
        plain.fit(assembler.assemble(chunk, 64, 128, true, 1));
        plain.fit(assembler.assemble(chunk, 128, 150, true, 1));

        assertEquals(150, result.examples());
        assertEquals(3, result.minibatches());
        assertEquals(3, result.maxSteps());
        assertArrayEquals(plain.params().toFloatVector(), result.params());
        assertArrayEquals(plain.getUpdater().getStateViewArray().toFloatVector(), result.updaterState());
        int[] expectedOrder = new int[150];
        for (int i = 0; i < 150; i++) {
            expectedOrder[i] = chunk.get(i).index();
        }
        assertArrayEquals(expectedOrder, result.trainedIndices());
    }

    @Test
    void aWorkerWithAnEmptyChunkTrainsNothing() {
        RoundState state = new RoundState(1, 1, 3, 0.01, new float[0], new float[0]);
        RoundResult result = LocalRound.run(config, state, List.of(), 0);
        assertEquals(0, result.examples());
        assertEquals(0, result.minibatches());
    }

    @Test
    void networksAreBuiltOncePerJvmAndReused() {
        List<Example> chunk = TinyNets.examples(64, 5);
        MultiLayerNetwork start = new MultiLayerNetwork(conf);
        start.init();
        RoundState state = new RoundState(1, 0, 0, 0.01, start.params().toFloatVector(),
                start.getUpdater().getStateViewArray().toFloatVector());
        LocalRound.run(config, state, chunk, 0);
        int built = NetworkPool.built();
        for (int i = 0; i < 5; i++) {
            LocalRound.run(config, state, chunk, 0);
        }
        assertEquals(built, NetworkPool.built());
        assertTrue(built >= 1);
    }
}
