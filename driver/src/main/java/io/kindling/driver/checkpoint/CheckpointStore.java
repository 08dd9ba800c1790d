package io.kindling.driver.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.datasets.HadoopFiles;
import io.kindling.driver.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Checkpoints in a directory on any Hadoop FileSystem, one subdirectory per epoch:
 * {@code epoch-0003/} holds {@code model.zip} (DL4J, with updater state), {@code state.json} and
 * {@code MANIFEST.json} (size and SHA-256 of both). A checkpoint is written into a hidden temporary
 * directory, verified against its manifest, then renamed into place, so a crash at any point leaves
 * the previous checkpoint as the newest valid one.
 */
public final class CheckpointStore {
    public static final String MODEL = "model.zip";
    public static final String STATE = "state.json";
    private static final Pattern EPOCH_DIR = Pattern.compile("epoch-(\\d+)");
    private static final String TMP_MARK = ".tmp-";
    static final ObjectMapper JSON = Json.MAPPER;

    /** Environment variable holding the key that signs and verifies checkpoint manifests. */
    public static final String KEY_VARIABLE = "KINDLING_CHECKPOINT_KEY";
    private static final int MIN_KEY_LENGTH = 16;

    private final String uri;
    private final Path root;
    private final FileSystem fs;
    private final byte[] key;

    /** A checkpoint directory and whether it verified: {@code problem} is null for a valid one. */
    public record Stored(int epoch, Path dir, String problem, long bytes) {
        public boolean valid() {
            return problem == null;
        }

        public String name() {
            return dir.getName();
        }
    }

    /** The checkpoints at {@code uri}, signed and verified with {@code KINDLING_CHECKPOINT_KEY} when it is set. */
    public CheckpointStore(String uri, Configuration conf) {
        this(uri, conf, System.getenv(KEY_VARIABLE));
    }

    /** The checkpoints at {@code uri}; {@code key} (null for none) signs and verifies their manifests. */
    public CheckpointStore(String uri, Configuration conf, String key) {
        this.uri = uri;
        if (key != null && key.length() < MIN_KEY_LENGTH) {
            throw new IllegalArgumentException(KEY_VARIABLE + ": " + key.length() + " characters, expected at least "
                    + MIN_KEY_LENGTH);
        }
        this.key = key == null ? null : key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            this.root = new Path(uri);
            this.fs = HadoopFiles.forWriting(root, conf);
        } catch (IllegalArgumentException | IOException e) {
            throw new IllegalArgumentException("--checkpoint-dir " + uri + ": " + firstLine(e), e);
        }
    }

    public String uri() {
        return uri;
    }

    public static String dirName(int epoch) {
        return String.format("epoch-%04d", epoch);
    }

    /** Creates the directory if needed and proves it writable, before any training time is spent. */
    public void checkWritable() {
        Path probe = new Path(root, "." + "write-probe" + TMP_MARK + UUID.randomUUID());
        try {
            fs.mkdirs(root);
            fs.create(probe, false).close();
            fs.delete(probe, false);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("--checkpoint-dir " + uri + ": cannot write there: " + firstLine(e), e);
        }
    }

    /** Takes the directory's writer lock for this job ({@link CheckpointLock}); notes go to {@code report}. */
    public CheckpointLock lock(Consumer<String> report) {
        return CheckpointLock.acquire(fs, root, uri, report);
    }

    /** The same with other refresh and staleness times (tests). */
    CheckpointLock lock(Consumer<String> report, java.time.Duration refresh, java.time.Duration stale) {
        return CheckpointLock.acquire(fs, root, uri, report, refresh, stale);
    }

    /**
     * The epoch directories, oldest first. With {@code verify} every file is checked against the
     * manifest; without, only the manifest's presence.
     */
    public List<Stored> list(boolean verify) {
        try {
            if (!fs.exists(root)) {
                return List.of();
            }
            List<Stored> all = new ArrayList<>();
            for (FileStatus status : fs.listStatus(root)) {
                Matcher m = EPOCH_DIR.matcher(status.getPath().getName());
                if (status.isDirectory() && m.matches()) {
                    all.add(inspect(Integer.parseInt(m.group(1)), status.getPath(), verify));
                }
            }
            all.sort(Comparator.comparingInt(Stored::epoch));
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException("--checkpoint-dir " + uri + ": cannot list: " + firstLine(e), e);
        }
    }

    /** One checkpoint directory, given directly (e.g. {@code .../epoch-0002}), verified. */
    public static Stored inspect(String dirUri, Configuration conf) {
        CheckpointStore parent = new CheckpointStore(new Path(dirUri).getParent().toString(), conf);
        Matcher m = EPOCH_DIR.matcher(new Path(dirUri).getName());
        if (!m.matches()) {
            throw new IllegalArgumentException("--checkpoint " + dirUri + ": expected a checkpoint directory named"
                    + " epoch-NNNN or a directory of them");
        }
        try {
            return parent.inspect(Integer.parseInt(m.group(1)), new Path(dirUri), true);
        } catch (IOException e) {
            throw new UncheckedIOException("--checkpoint " + dirUri + ": " + firstLine(e), e);
        }
    }

    private Stored inspect(int epoch, Path dir, boolean verify) throws IOException {
        long bytes = 0;
        for (FileStatus f : fs.listStatus(dir)) {
            bytes += f.getLen();
        }
        Path manifestPath = new Path(dir, Manifest.NAME);
        if (!fs.exists(manifestPath)) {
            return new Stored(epoch, dir, Manifest.NAME + " is missing", bytes);
        }
        if (!verify) {
            return new Stored(epoch, dir, null, bytes);
        }
        Manifest manifest;
        try (InputStream in = fs.open(manifestPath)) {
            manifest = JSON.readValue(in, Manifest.class);
        } catch (IOException e) {
            return new Stored(epoch, dir, Manifest.NAME + " is unreadable: " + firstLine(e), bytes);
        }
        return new Stored(epoch, dir, manifest.verify(fs, dir, key), bytes);
    }

    /**
     * The newest checkpoint that verifies. Newer ones that do not are reported through
     * {@code report} and passed over.
     */
    public Optional<Stored> newestValid(Consumer<String> report) {
        List<Stored> all = list(false);
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                Stored s = inspect(all.get(i).epoch(), all.get(i).dir(), true);
                if (s.valid()) {
                    return Optional.of(s);
                }
                report.accept("Checkpoint " + s.name() + " is not valid (" + s.problem() + "); using an older one");
            } catch (IOException e) {
                report.accept("Checkpoint " + all.get(i).name() + " is unreadable (" + firstLine(e) + "); using an older one");
            }
        }
        return Optional.empty();
    }

    /** Writes the checkpoint of {@code epoch} atomically and returns it, verified. */
    public Stored save(int epoch, MultiLayerNetwork net, TrainingState state) {
        Path tmp = new Path(root, "." + dirName(epoch) + TMP_MARK + UUID.randomUUID());
        Path target = new Path(root, dirName(epoch));
        try {
            try {
                fs.mkdirs(tmp);
                Manifest.Entry model = write(new Path(tmp, MODEL), out -> ModelSerializer.writeModel(net, out, true));
                Manifest.Entry stateFile = write(new Path(tmp, STATE), out -> out.write(JSON.writeValueAsBytes(state)));
                Manifest manifest = Manifest.of(List.of(model, stateFile), key);
                write(new Path(tmp, Manifest.NAME), out -> out.write(JSON.writeValueAsBytes(manifest)));
                String problem = manifest.verify(fs, tmp, key);
                if (problem != null) {
                    throw new IOException("the written checkpoint does not verify: " + problem);
                }
                if (fs.exists(target)) {
                    // Only an invalid checkpoint can be in the way: a valid one would have been resumed from.
                    fs.delete(target, true);
                }
                if (!fs.rename(tmp, target)) {
                    throw new IOException("cannot rename " + tmp.getName() + " to " + target.getName());
                }
            } finally {
                if (fs.exists(tmp)) {
                    fs.delete(tmp, true);
                }
            }
            return inspect(epoch, target, false);
        } catch (IOException e) {
            throw new UncheckedIOException("--checkpoint-dir " + uri + ": cannot write the checkpoint of epoch "
                    + epoch + ": " + firstLine(e) + " (the previous checkpoints are intact)", e);
        } catch (FSError e) { // the local disk failed: full, or an I/O error; its cause says how
            throw new UncheckedIOException("--checkpoint-dir " + uri + ": cannot write the checkpoint of epoch "
                    + epoch + ": " + firstLine(e.getCause()) + " (the previous checkpoints are intact)",
                    new IOException(e));
        }
    }

    /**
     * Deletes every checkpoint but the newest {@code keepLast} valid ones and {@code keepEpochs}
     * (the best), and temporary directories left by interrupted writes. Returns the deleted names.
     */
    public List<String> retain(int keepLast, Set<Integer> keepEpochs) {
        List<String> deleted = new ArrayList<>();
        try {
            List<Stored> all = list(false);
            int kept = 0;
            for (int i = all.size() - 1; i >= 0; i--) {
                Stored s = all.get(i);
                boolean keep = keepEpochs.contains(s.epoch()) || (s.valid() && kept < keepLast);
                if (s.valid() && kept < keepLast) {
                    kept++;
                }
                if (!keep) {
                    fs.delete(s.dir(), true);
                    deleted.add(s.name());
                }
            }
            for (FileStatus status : fs.listStatus(root)) {
                if (status.getPath().getName().startsWith(".") && status.getPath().getName().contains(TMP_MARK)) {
                    fs.delete(status.getPath(), true);
                    deleted.add(status.getPath().getName());
                }
            }
            return deleted;
        } catch (IOException e) {
            throw new UncheckedIOException("--checkpoint-dir " + uri + ": cannot delete old checkpoints: " + firstLine(e), e);
        }
    }

    public TrainingState readState(Stored checkpoint) {
        try (InputStream in = fs.open(new Path(checkpoint.dir(), STATE))) {
            TrainingState state = JSON.readValue(in, TrainingState.class);
            if (state.format() != TrainingState.FORMAT) {
                throw new IllegalArgumentException(checkpoint.dir() + "/" + STATE + ": format " + state.format()
                        + ", expected " + TrainingState.FORMAT);
            }
            return state;
        } catch (IOException e) {
            throw new UncheckedIOException(checkpoint.dir() + "/" + STATE + ": " + firstLine(e), e);
        }
    }

    public MultiLayerNetwork readModel(Stored checkpoint, boolean withUpdater) {
        try (InputStream in = fs.open(new Path(checkpoint.dir(), MODEL), 1 << 16)) {
            byte[] zip = ModelZip.checked(in.readAllBytes(), checkpoint.dir() + "/" + MODEL);
            return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(zip), withUpdater);
        } catch (IOException e) {
            throw new UncheckedIOException(checkpoint.dir() + "/" + MODEL + ": " + firstLine(e), e);
        }
    }

    private interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private Manifest.Entry write(Path file, Content content) throws IOException {
        MessageDigest sha = Manifest.newDigest();
        long size;
        try (OutputStream raw = fs.create(file, false);
             CountingStream counting = new CountingStream(new DigestOutputStream(raw, sha))) {
            content.writeTo(counting);
            counting.flush();
            size = counting.count;
        }
        return new Manifest.Entry(file.getName(), size, HexFormat.of().formatHex(sha.digest()));
    }

    /** Counts bytes on their way to the file; DL4J's writer closes its stream, so closing is idempotent. */
    private static final class CountingStream extends java.io.FilterOutputStream {
        long count;
        private boolean closed;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                super.close();
            }
        }
    }

    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
