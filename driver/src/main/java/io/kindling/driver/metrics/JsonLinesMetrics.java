package io.kindling.driver.metrics;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kindling.driver.Json;
import io.kindling.driver.job.EpochResult;
import io.kindling.worker.EvalStats;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.FSDataOutputStream;

/**
 * Metrics as JSON lines, one object per line: {@code "kind":"train"} per log interval (loss, lr,
 * examples/s) and {@code "kind":"epoch"} per epoch (train, validation and test metrics, epoch and
 * checkpoint seconds). Every line is flushed, so the file can be followed while the job runs.
 * Metrics a job does not have (no test set, a regression's accuracy) are left out, not written NaN.
 */
public final class JsonLinesMetrics implements MetricsSink {
    private static final ObjectWriter ONE_LINE = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    private final MetricsStream out;
    private final boolean regression;

    /** @param regression the job has no accuracy to report */
    public JsonLinesMetrics(FSDataOutputStream out, String name, boolean regression) {
        this.out = new MetricsStream(out, name);
        this.regression = regression;
    }

    @Override
    public void train(TrainPoint p) {
        Map<String, Object> line = start("train");
        line.put("epoch", p.epoch());
        line.put("step", p.step());
        line.put("examples", p.examples());
        line.put("epoch_examples", p.epochExamples());
        put(line, "loss", p.loss());
        put(line, "lr", p.lr());
        put(line, "examples_per_sec", p.examplesPerSecond());
        put(line, "eta_sec", p.etaSeconds());
        write(line);
    }

    @Override
    public void epoch(EpochResult r, long step) {
        Map<String, Object> line = start("epoch");
        line.put("epoch", r.epoch());
        line.put("step", step);
        put(line, "lr", r.lr());
        line.put("examples", r.train().examples());
        put(line, "train_loss", r.train().meanLoss());
        eval(line, "validation", r.validation());
        eval(line, "test", r.test());
        put(line, "epoch_sec", r.train().seconds());
        put(line, "examples_per_sec", r.train().examples() / r.train().seconds());
        put(line, "checkpoint_sec", r.checkpointSeconds());
        write(line);
    }

    private static Map<String, Object> start(String kind) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("kind", kind);
        line.put("time", java.math.BigDecimal.valueOf(System.currentTimeMillis(), 3)); // Unix seconds
        return line;
    }

    private void eval(Map<String, Object> line, String set, EvalStats stats) {
        if (stats != null) {
            put(line, set + "_loss", stats.averageLoss());
            if (!regression) {
                put(line, set + "_accuracy", stats.accuracy());
            }
        }
    }

    private static void put(Map<String, Object> line, String key, double value) {
        if (Double.isFinite(value)) {
            line.put(key, value);
        }
    }

    private void write(Map<String, Object> line) {
        out.write(o -> {
            o.write(ONE_LINE.writeValueAsBytes(line));
            o.write('\n');
        });
    }

    @Override
    public void close() {
        out.close();
    }
}
