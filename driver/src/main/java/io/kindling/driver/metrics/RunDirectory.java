package io.kindling.driver.metrics;

import io.kindling.datasets.HadoopFiles;
import io.kindling.driver.job.EpochResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's run directory ({@code --run-dir}, any Hadoop FileSystem): per run (a resumed job is a new
 * run) one JSON-lines file, {@code metrics-001.jsonl}, {@code metrics-002.jsonl}, ... so that
 * {@code cat metrics-*.jsonl} reads the whole job in order, and one TensorBoard event file, as
 * {@code SummaryWriter} writes them, so {@code tensorboard --logdir} shows resumed runs as one curve.
 * Files are never appended to: S3 cannot, and HDFS appends fail on clusters with fewer datanodes
 * than the replication factor.
 * A directory that cannot be written fails the job before training; a write that fails later is
 * logged and that file abandoned, as metrics are not worth losing a training run for.
 */
public final class RunDirectory implements MetricsSink {
    private static final Logger LOG = LoggerFactory.getLogger(RunDirectory.class);

    private final List<MetricsSink> sinks = new ArrayList<>();
    private final List<String> files = new ArrayList<>();
    private final List<Path> created = new ArrayList<>();
    private FileSystem fs;
    private boolean wrote;

    private RunDirectory() {
    }

    public static RunDirectory open(String uri, Configuration conf, boolean regression) {
        RunDirectory run = new RunDirectory();
        try {
            Path dir = new Path(uri);
            FileSystem fs = HadoopFiles.forWriting(dir, conf);
            run.fs = fs;
            fs.mkdirs(dir);
            Path metrics = nextMetricsFile(fs, dir);
            run.created.add(metrics);
            FSDataOutputStream json = fs.create(metrics, false);
            run.add(new JsonLinesMetrics(json, metrics.toString(), regression), metrics.toString());
            Path events = new Path(dir, eventFileName());
            run.created.add(events);
            run.add(new TensorBoardMetrics(fs.create(events, false), events.toString(), regression), events.toString());
            return run;
        } catch (IOException | UncheckedIOException | IllegalArgumentException | FSError e) {
            run.close();
            throw new IllegalArgumentException("--run-dir " + uri + ": cannot write metrics there: " + e.getMessage(), e);
        }
    }

    private void add(MetricsSink sink, String file) {
        sinks.add(sink);
        files.add(file);
    }

    /** The first {@code metrics-NNN.jsonl} not taken. */
    static Path nextMetricsFile(FileSystem fs, Path dir) throws IOException {
        for (int run = 1; ; run++) {
            Path file = new Path(dir, String.format("metrics-%03d.jsonl", run));
            if (!fs.exists(file)) {
                return file;
            }
        }
    }

    private static final java.util.concurrent.atomic.AtomicInteger FILES = new java.util.concurrent.atomic.AtomicInteger();

    /** TensorBoard finds files whose names contain "tfevents"; this is SummaryWriter's pattern, counter last. */
    private static String eventFileName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return "events.out.tfevents." + System.currentTimeMillis() / 1000 + "." + host + "."
                + ProcessHandle.current().pid() + "." + FILES.getAndIncrement();
    }

    @Override
    public void train(TrainPoint point) {
        wrote = true;
        each(sink -> sink.train(point));
    }

    @Override
    public void epoch(EpochResult result, long step) {
        wrote = true;
        each(sink -> sink.epoch(result, step));
    }

    private void each(Consumer<MetricsSink> action) {
        for (int i = sinks.size() - 1; i >= 0; i--) {
            try {
                action.accept(sinks.get(i));
            } catch (UncheckedIOException | FSError e) { // FSError: the local disk failed (full, I/O error)
                LOG.warn("metrics: writing {} failed, no more metrics go there: {}", files.get(i), e.getMessage());
                sinks.remove(i);
                files.remove(i);
            }
        }
    }

    /** Closes the files; a run that wrote no metrics (it failed first) leaves none behind. */
    @Override
    public void close() {
        each(MetricsSink::close);
        if (!wrote && fs != null) {
            for (Path file : created) {
                try {
                    fs.delete(file, false);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("metrics: cannot remove the empty {}: {}", file, e.getMessage());
                }
            }
        }
    }
}
