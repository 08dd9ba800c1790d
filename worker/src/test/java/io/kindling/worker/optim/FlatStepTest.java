package io.kindling.worker.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kindling.worker.TinyNets;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * The fused optimiser step against DL4J's updater on the same gradients: the same parameters and
 * state, for every optimiser, over enough steps to pass the flushing of tiny state values.
 */
class FlatStepTest {
    private final List<DataSet> batches = List.of(
            TinyNets.assembler().assemble(TinyNets.examples(24, 3), 0, 24, false, 0),
            TinyNets.assembler().assemble(TinyNets.examples(24, 4), 0, 17, false, 0));

    private static MultiLayerNetwork net(IUpdater updater) {
        MultiLayerConfiguration conf = TinyNets.mlp(updater);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** The gradient sums of {@code batch} in {@code net}'s gradient view, as the backward pass leaves them. */
    private static void gradients(MultiLayerNetwork net, DataSet batch) {
        net.setInput(batch.getFeatures());
        net.setLabels(batch.getLabels());
        net.computeGradientAndScore();
    }

    @Test
    void stepsAsDl4jsUpdaterWithEveryOptimiser() {
        for (IUpdater updater : List.of(new Adadelta(), new Adam(0.01, 0.9, 0.999, 1e-8), new Sgd(0.05, 0.9, false),
                new Sgd(0.05, 0, false), new Sgd(0.05, 0.9, true), new RmsProp(0.001, 0.99, 1e-8, 0.0, false),
                new RmsProp(0.001, 0.99, 1e-8, 0.5, true))) {
            MultiLayerNetwork viaDl4j = net(updater);
            MultiLayerNetwork fused = net(updater);
            FlatStep step = FlatStep.of(fused);
            assertNotNull(step, updater + " has a fused step");
            for (int i = 0; i < 140; i++) { // past step 128, where tiny state values are flushed
                DataSet batch = batches.get(i % 2);
                int examples = batch.numExamples();
                gradients(viaDl4j, batch);
                viaDl4j.getUpdater().update(viaDl4j, viaDl4j.gradient(), i, 0, examples, LayerWorkspaceMgr.noWorkspaces());
                INDArray params = viaDl4j.params();
                params.subi(viaDl4j.getFlattenedGradients().reshape(params.shape()));

                gradients(fused, batch);
                step.apply(examples, i, 0);
                if (i % 20 == 0 || i == 139) {
                    assertClose(viaDl4j.params(), fused.params(), updater + ", parameters after step " + i);
                    if (viaDl4j.getUpdater().getStateViewArray() != null) {
                        assertClose(viaDl4j.getUpdater().getStateViewArray(), fused.getUpdater().getStateViewArray(),
                                updater + ", state after step " + i);
                    }
                }
            }
        }
    }

    @Test
    void dl4jsOwnOptimisersKeepDl4jsUpdater() {
        assertNull(FlatStep.of(net(new Nesterovs(0.1, 0.9))));
    }

    /** Equal to 1e-5 of the array's scale (its largest magnitude, or 1). */
    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double[] e = expected.castTo(DataType.DOUBLE).data().asDouble();
        double[] a = actual.castTo(DataType.DOUBLE).data().asDouble();
        assertEquals(e.length, a.length, what);
        double tolerance = 1e-5 * Math.max(1, expected.amaxNumber().doubleValue());
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(e[i] - a[i]) <= tolerance)) {
                throw new AssertionError(what + ": value " + i + " is " + a[i] + ", expected " + e[i]);
            }
        }
    }
}
