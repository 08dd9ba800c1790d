package io.kindling.driver.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One writer per checkpoint directory: a {@code .lock} file a job creates before it trains (creation
 * fails if it exists, on HDFS as on local disks) and deletes when it ends, refreshing its time while it
 * runs. A job finding a lock takes it over when its holder is gone: a process of this host that no
 * longer runs (a job killed and resumed here), or a lock not refreshed within {@link #STALE} (a holder
 * on another host, such as a YARN attempt that died); a lock that is refreshed belongs to a live job,
 * and the new one stops with an error naming it.
 */
public final class CheckpointLock implements AutoCloseable {
    static final String NAME = ".lock";
    static final Duration REFRESH = Duration.ofSeconds(5);
    static final Duration STALE = Duration.ofSeconds(20);

    private final FileSystem fs;
    private final Path file;
    private final Owner me;
    private final ScheduledExecutorService refresher;

    /** Who holds a lock: the file's four lines. */
    record Owner(String host, long pid, String since, String id) {
        static Owner current() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "unknown-host";
            }
            return new Owner(host, ProcessHandle.current().pid(), Instant.now().toString(), UUID.randomUUID().toString());
        }

        static Owner parse(String text) {
            List<String> lines = text.lines().toList();
            try {
                return new Owner(lines.get(0), Long.parseLong(lines.get(1)), lines.get(2), lines.get(3));
            } catch (RuntimeException e) {
                return new Owner("unknown-host", -1, "?", text);
            }
        }

        String text() {
            return host + "\n" + pid + "\n" + since + "\n" + id + "\n";
        }

        /** Whether this is a process of this host that no longer runs. */
        boolean goneFromThisHost(String thisHost) {
            return host.equals(thisHost) && pid > 0 && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        }

        @Override
        public String toString() {
            return "process " + pid + " on " + host.replaceAll("\\p{Cntrl}", "?") + " since " + since;
        }
    }

    private CheckpointLock(FileSystem fs, Path file, Owner me, Duration refresh) {
        this.fs = fs;
        this.file = file;
        this.me = me;
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "checkpoint-lock " + file.getParent().getName());
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleAtFixedRate(this::refresh, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Takes the lock of {@code dir}, or a clear error naming the job that holds it. */
    static CheckpointLock acquire(FileSystem fs, Path dir, String uri, Consumer<String> report) {
        return acquire(fs, dir, uri, report, REFRESH, STALE);
    }

    static CheckpointLock acquire(FileSystem fs, Path dir, String uri, Consumer<String> report, Duration refresh,
                                  Duration stale) {
        Path file = new Path(dir, NAME);
        Owner me = Owner.current();
        try {
            if (fs.exists(file)) {
                Owner holder = owner(fs, file);
                if (holder.goneFromThisHost(me.host())) {
                    report.accept("Taking over the checkpoint directory's lock from " + holder + ", which has ended");
                } else if (refreshedWithin(fs, file, stale)) {
                    throw new IllegalArgumentException("--checkpoint-dir " + uri + ": another job is writing it ("
                            + holder + "); wait for it to end, or remove " + file + " if that job is gone");
                } else {
                    report.accept("Taking over the checkpoint directory's lock from " + holder + ", not refreshed"
                            + " for " + stale.toSeconds() + " s");
                }
                fs.delete(file, false);
            }
            try (OutputStream out = fs.create(file, false)) {
                out.write(me.text().getBytes(StandardCharsets.UTF_8));
            }
            return new CheckpointLock(fs, file, me, refresh);
        } catch (IOException e) {
            if (e.getClass().getSimpleName().contains("AlreadyExists")) {
                throw new IllegalArgumentException("--checkpoint-dir " + uri + ": another job took its lock just now",
                        e);
            }
            throw new UncheckedIOException("--checkpoint-dir " + uri + ": cannot take its lock: " + e.getMessage(), e);
        }
    }

    /**
     * Whether the lock's time moves within {@code stale}: its holder refreshes it. Waits until
     * {@code stale} has passed since the last refresh seen, so a job restarted at once after its
     * predecessor died on another host waits at most that long.
     */
    private static boolean refreshedWithin(FileSystem fs, Path file, Duration stale) throws IOException {
        long seen = fs.getFileStatus(file).getModificationTime();
        long wait = seen + stale.toMillis() - System.currentTimeMillis();
        if (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }
        return fs.exists(file) && fs.getFileStatus(file).getModificationTime() != seen;
    }

    private static Owner owner(FileSystem fs, Path file) {
        try (InputStream in = fs.open(file)) {
            return Owner.parse(new String(in.readNBytes(1000), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Owner.parse("");
        }
    }

    private void refresh() {
        try {
            fs.setTimes(file, System.currentTimeMillis(), -1);
        } catch (IOException | RuntimeException e) {
            // the next refresh tries again; a lock left stale is taken over, never a job failed for it
        }
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        try {
            if (owner(fs, file).equals(me)) { // not a lock another job took over meanwhile
                fs.delete(file, false);
            }
        } catch (IOException e) {
            // a stale lock is taken over by the next job
        }
    }
}
