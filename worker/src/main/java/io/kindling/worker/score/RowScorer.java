package io.kindling.worker.score;

import io.kindling.datasets.Example;
import io.kindling.datasets.table.FeatureColumns;
import io.kindling.worker.MinibatchAssembler;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Scores one partition's rows on an executor: reads a minibatch of rows, runs their features through
 * the network in inference mode, hands each row with its output to {@link Output}, then reads the next.
 * Only one minibatch is held at a time, so memory does not grow with the partition.
 */
public final class RowScorer implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Makes an output row from an input row and the network's output for it (softmax or values). */
    @FunctionalInterface
    public interface Output extends Serializable {
        Row row(Row input, float[] scores);
    }

    private final FeatureColumns features;
    private final int batchSize;
    private final Output output;

    public RowScorer(FeatureColumns features, int batchSize, Output output) {
        this.features = features;
        this.batchSize = batchSize;
        this.output = output;
    }

    /** The rows of partition {@code partition}, scored lazily as they are consumed. */
    public Iterator<Row> score(ScoringModel model, int partition, Iterator<Row> rows) {
        MultiLayerNetwork net = model.network();
        MinibatchAssembler assembler = model.assembler();
        return new Iterator<>() {
            private final ArrayDeque<Row> ready = new ArrayDeque<>();
            private long read;

            @Override
            public boolean hasNext() {
                if (ready.isEmpty() && rows.hasNext()) {
                    scoreBatch();
                }
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }

            private void scoreBatch() {
                List<Row> inputs = new ArrayList<>(batchSize);
                List<Example> batch = new ArrayList<>(batchSize);
                while (rows.hasNext() && inputs.size() < batchSize) {
                    Row row = rows.next();
                    read++;
                    batch.add(features.read(row, "partition " + partition + ", row " + read));
                    inputs.add(row);
                }
                float[][] scores = net.output(assembler.assemble(batch, 0, batch.size(), false, 0).getFeatures(),
                        false).toFloatMatrix();
                for (int r = 0; r < inputs.size(); r++) {
                    ready.add(output.row(inputs.get(r), scores[r]));
                }
            }
        };
    }
}
