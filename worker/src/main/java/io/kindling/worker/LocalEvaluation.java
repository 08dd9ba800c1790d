package io.kindling.worker;

import io.kindling.datasets.Example;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Evaluates the broadcast parameters on one partition of the test set, in inference mode (dropout
 * off, batch-norm on its running statistics): the summed loss of the network's output layer (see
 * {@link EvalLoss}; PyTorch's {@code reduction='sum'}) and the number of correct predictions.
 */
public final class LocalEvaluation {
    private LocalEvaluation() {
    }

    public static EvalStats run(WorkerConfig config, float[] params, Iterator<Example> examples, int batchSize) {
        return report(config, params, examples, batchSize, false).stats();
    }

    /** Loss and accuracy and, when asked (classification only), the confusion matrix. */
    public static EvalReport report(WorkerConfig config, float[] params, Iterator<Example> examples, int batchSize,
                                    boolean withConfusion) {
        Backend.useThreads(config.threadsPerTask());
        GpuBinding.bindTaskGpu();
        MultiLayerNetwork net = Networks.build(config);
        FlatModel.setParams(net, params);
        MinibatchAssembler assembler = config.assembler();
        boolean regression = config.data().isRegression();
        ConfusionMatrix confusion = withConfusion && !regression
                ? new ConfusionMatrix(config.data().numClasses()) : null;
        EvalStats total = EvalStats.ZERO;
        List<Example> batch = new ArrayList<>(batchSize);
        while (examples.hasNext()) {
            batch.add(examples.next());
            if (batch.size() == batchSize || !examples.hasNext()) {
                total = total.plus(evaluate(net, assembler, batch, regression, confusion));
                batch.clear();
            }
        }
        return new EvalReport(total, confusion);
    }

    private static EvalStats evaluate(MultiLayerNetwork net, MinibatchAssembler assembler, List<Example> batch,
                                      boolean regression, ConfusionMatrix confusion) {
        EvalLoss lossOf = EvalLoss.of(net);
        INDArray features = assembler.assemble(batch, 0, batch.size(), false, 0).getFeatures();
        float[][] probabilities = net.output(features, false).toFloatMatrix();
        double loss = 0;
        long correct = 0;
        for (int r = 0; r < batch.size(); r++) {
            float[] p = probabilities[r];
            if (regression) {
                loss += lossOf.ofTarget(p, batch.get(r).target());
                continue;
            }
            int label = batch.get(r).label();
            loss += lossOf.of(p, label);
            int predicted = 0;
            for (int c = 1; c < p.length; c++) {
                if (p[c] > p[predicted]) {
                    predicted = c;
                }
            }
            if (predicted == label) {
                correct++;
            }
            if (confusion != null) {
                confusion.add(label, predicted);
            }
        }
        return new EvalStats(loss, correct, batch.size());
    }
}
