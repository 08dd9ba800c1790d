package io.kindling.driver.metrics;

import io.kindling.driver.job.EpochResult;
import io.kindling.worker.EvalStats;
import org.apache.hadoop.fs.FSDataOutputStream;

/**
 * A TensorBoard event file with the scalars PyTorch tutorials log through {@code SummaryWriter}:
 * {@code train/loss}, {@code lr} and {@code examples/s} against the global minibatch step, and
 * {@code test/loss}, {@code test/accuracy} (and the validation pair) against the epoch.
 */
public final class TensorBoardMetrics implements MetricsSink {
    private final MetricsStream out;
    private final boolean regression;

    /** @param regression the job has no accuracy to report */
    public TensorBoardMetrics(FSDataOutputStream out, String name, boolean regression) {
        this.out = new MetricsStream(out, name);
        this.regression = regression;
        write(EventProto.fileVersion(now()));
    }

    @Override
    public void train(TrainPoint p) {
        scalar(p.step(), "train/loss", p.loss());
        scalar(p.step(), "lr", p.lr());
        scalar(p.step(), "examples/s", p.examplesPerSecond());
    }

    @Override
    public void epoch(EpochResult r, long step) {
        eval(r.epoch(), "validation", r.validation());
        eval(r.epoch(), "test", r.test());
        scalar(r.epoch(), "train/epoch_loss", r.train().meanLoss());
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
        out.write(o -> TfRecordWriter.write(o, event));
    }

    @Override
    public void close() {
        out.close();
    }
}
