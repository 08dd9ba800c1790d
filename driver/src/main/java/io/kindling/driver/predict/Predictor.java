package io.kindling.driver.predict;

import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.Example;
import io.kindling.datasets.transform.Pipeline;
import io.kindling.worker.MinibatchAssembler;
import io.kindling.worker.Networks;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Runs inputs through a trained network in minibatches, in inference mode with the training job's
 * transforms, and prints one CSV row per input: its name, the predicted class and its probability,
 * then every class's probability (the network's softmax output); a regression prints the value.
 */
public final class Predictor implements AutoCloseable {
    private final MultiLayerNetwork net;
    private final MinibatchAssembler assembler;
    private final DatasetInfo info;
    private final PrintStream out;
    private final int batchSize;
    private final List<String> names = new ArrayList<>();
    private final List<Example> batch = new ArrayList<>();
    private long count;

    public Predictor(MultiLayerNetwork net, DatasetInfo info, Pipeline transforms, int batchSize, PrintStream out) {
        this.net = Networks.forInference(net);
        this.info = info;
        this.assembler = new MinibatchAssembler(transforms, info, 0);
        this.batchSize = batchSize;
        this.out = out;
        out.println(header());
    }

    private String header() {
        if (info.isRegression()) {
            return "input,prediction";
        }
        StringBuilder s = new StringBuilder("input,predicted,probability");
        for (String c : info.classes()) {
            s.append(',').append(quoted("p_" + c));
        }
        return s.toString();
    }

    public void accept(String name, Example example) {
        names.add(name);
        batch.add(example);
        if (batch.size() == batchSize) {
            flush();
        }
    }

    private void flush() {
        if (batch.isEmpty()) {
            return;
        }
        float[][] outputs = net.output(assembler.assemble(batch, 0, batch.size(), false, 0).getFeatures(), false)
                .toFloatMatrix();
        for (int r = 0; r < outputs.length; r++) {
            out.println(row(names.get(r), outputs[r]));
        }
        count += batch.size();
        names.clear();
        batch.clear();
    }

    private String row(String name, float[] p) {
        if (info.isRegression()) {
            return quoted(name) + "," + format(p[0]);
        }
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        StringBuilder s = new StringBuilder(quoted(name)).append(',').append(quoted(info.classes().get(best)))
                .append(',').append(format(p[best]));
        for (float v : p) {
            s.append(',').append(format(v));
        }
        return s.toString();
    }

    private static String format(float v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    /** CSV quoting for names holding a comma or quote. */
    static String quoted(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** Inputs predicted so far. */
    public long count() {
        return count;
    }

    @Override
    public void close() {
        flush();
        out.flush();
    }
}
