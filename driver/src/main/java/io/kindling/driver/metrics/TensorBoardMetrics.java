package io.kindling.driver.metrics;

import io.kindling.driver.train.EpochResult;
import io.kindling.worker.EvalStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FSDataOutputStream;

/**
 * A TensorBoard event file with the scalars PyTorch tutorials log through {@code SummaryWriter}:
 * {@code train/loss}, {@code lr} and {@code examples/s} against the global minibatch step, and
 * {@code test/loss}, {@code test/accuracy} (and the validation pair) against the epoch.
 */
public final class TensorBoardMetrics implements MetricsSink {
    private final FSDataOutputStream out;
    private final TfRecordWriter records;
    private final String name;
    private final boolean regression;

    /** @param regression the job has no accuracy to report */
    public TensorBoardMetrics(FSDataOutputStream out, String name, boolean regression) {
        this.out = out;
        this.regression = regression;
        this.records = new TfRecordWriter(out);
        this.name = name;
        write(EventProto.fileVersion(now()));
        flush();
    }

    @Override
    public void train(TrainPoint p) {
        scalar(p.step(), "train/loss", p.loss());
        scalar(p.step(), "lr", p.lr());
        scalar(p.step(), "examples/s", p.examplesPerSecond());
        flush();
    }

    @Override
    public void epoch(EpochResult r, long step) {
        eval(r.epoch(), "validation", r.validation());
        eval(r.epoch(), "test", r.test());
        scalar(r.epoch(), "train/epoch_loss", r.train().meanLoss());
        flush();
    }

    private void eval(int epoch, String set, EvalStats stats) {
        if (stats != null) {
            scalar(epoch, set + "/loss", stats.averageLoss());
            if (!regression) {
                scalar(epoch, set + "/accuracy", stats.accuracy());
            }
        }
    }

    private void scalar(long step, String tag, double value) {
        if (Double.isFinite(value)) {
            write(EventProto.scalar(now(), step, tag, (float) value));
        }
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    private void write(byte[] event) {
        try {
            records.write(event);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": " + e.getMessage(), e);
        }
    }

    private void flush() {
        try {
            out.hflush();
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": " + e.getMessage(), e);
        }
    }
}
