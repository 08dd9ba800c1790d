package io.kindling.driver.data.fetch;

import io.kindling.datasets.HadoopFiles;
import java.io.BufferedInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Downloads dataset files into a directory on any Hadoop FileSystem, like torchvision's
 * {@code download=True}: mirrors are tried in order, gzip is undone, and a file is kept only when the
 * SHA-256 and size of its raw content match. Each file is written under a temporary name and renamed,
 * so the directory never holds a partial file under a real name.
 */
public final class DatasetFetcher {
    private final Configuration conf;
    private final Consumer<String> log;

    public DatasetFetcher(Configuration conf, Consumer<String> log) {
        this.conf = conf;
        this.log = log;
    }

    public void fetch(String dir, List<RemoteFile> files, List<Mirror> mirrors) {
        try {
            Path base = new Path(dir);
            FileSystem fs = HadoopFiles.forWriting(base, conf);
            fs.mkdirs(base);
            Set<Mirror> unreachable = new HashSet<>();
            VerifiedFiles verified = VerifiedFiles.of(fs, base);
            for (RemoteFile file : files) {
                Path target = new Path(base, file.name());
                if (fs.exists(target)) {
                    String problem = verify(fs, target, file);
                    if (problem == null) {
                        log.accept(file.name() + ": present, SHA-256 verified");
                        if (verified.recorded(file.name())) {
                            verified.hashed(fs.getFileStatus(target));
                        }
                        continue;
                    }
                    log.accept(file.name() + ": present but " + problem + "; fetching it again");
                }
                fetchOne(fs, target, file, mirrors, unreachable);
                verified.fetched(fs.getFileStatus(target));
            }
            verified.save();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks the files Kindling fetched into {@code dir} before a job uses them ({@link VerifiedFiles}):
     * each one's size always, its SHA-256 on the first use after the fetch and whenever it changed
     * since. Returns null when all are right, else the first problem, naming the file.
     */
    public String checkCached(String dir, List<RemoteFile> files) {
        try {
            Path base = new Path(dir);
            FileSystem fs = base.getFileSystem(conf);
            Map<String, Long> sizes = new LinkedHashMap<>();
            Map<String, RemoteFile> byName = new HashMap<>();
            for (RemoteFile file : files) {
                sizes.put(file.name(), file.size());
                byName.put(file.name(), file);
            }
            return VerifiedFiles.of(fs, base).check(sizes, (name, path) -> {
                String problem = verify(fs, path, byName.get(name));
                return problem == null ? null : name + ": " + problem;
            });
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    private void fetchOne(FileSystem fs, Path target, RemoteFile file, List<Mirror> mirrors,
                          Set<Mirror> unreachable) throws IOException {
        List<String> attempts = new ArrayList<>();
        for (Mirror mirror : mirrors) {
            if (unreachable.contains(mirror)) {
                continue;
            }
            Path part = new Path(target.getParent(), "." + file.name() + "." + UUID.randomUUID() + ".part");
            try {
                String problem;
                try (InputStream in = mirror.open(file.name())) {
                    problem = copyVerified(in, fs, part, file);
                }
                if (problem == null) {
                    fs.delete(target, false);
                    if (!fs.rename(part, target)) {
                        throw new IOException("cannot rename " + part + " to " + target);
                    }
                    log.accept(file.name() + ": fetched from " + mirror.describe() + ", SHA-256 verified");
                    return;
                }
                attempts.add(mirror.describe() + ": " + problem);
            } catch (FileNotFoundException e) {
                attempts.add(mirror.describe() + ": not found");
            } catch (IOException | RuntimeException e) {
                // The mirror is down or unreachable: skip it for the remaining files too.
                unreachable.add(mirror);
                attempts.add(mirror.describe() + ": " + oneLine(e));
            } finally {
                fs.delete(part, false);
            }
            log.accept(file.name() + ": " + attempts.get(attempts.size() - 1));
        }
        throw new FetchException(file.name() + ": no mirror had it with SHA-256 " + file.sha256()
                + " (" + (attempts.isEmpty() ? "no mirror to try" : String.join("; ", attempts)) + ")");
    }

    /** Copies the decoded stream to {@code part}; returns null when size and SHA-256 match, else why not. */
    private static String copyVerified(InputStream stored, FileSystem fs, Path part, RemoteFile file)
            throws IOException {
        MessageDigest sha = sha256();
        long size = 0;
        try (InputStream in = new DigestInputStream(decoded(stored), sha);
             OutputStream out = fs.create(part, true)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                size += n;
                if (size > file.size()) { // stop at once: a mirror must not fill the disk
                    return "more than " + file.size() + " bytes, expected " + file.size();
                }
                out.write(buffer, 0, n);
            }
        }
        String digest = HexFormat.of().formatHex(sha.digest());
        if (size != file.size()) {
            return "size " + size + " bytes, expected " + file.size();
        }
        if (!digest.equals(file.sha256())) {
            return "SHA-256 " + digest + ", expected " + file.sha256();
        }
        return null;
    }

    /** Null when the file's content (gunzipped if gzipped) has the size and SHA-256 of {@code file}. */
    private static String verify(FileSystem fs, Path path, RemoteFile file) throws IOException {
        MessageDigest sha = sha256();
        long size = 0;
        try (InputStream in = new DigestInputStream(decoded(fs.open(path, 1 << 16)), sha)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                size += n;
            }
        }
        String digest = HexFormat.of().formatHex(sha.digest());
        if (size != file.size()) {
            return "its size is " + size + " bytes, expected " + file.size();
        }
        return digest.equals(file.sha256()) ? null : "its SHA-256 is " + digest + ", expected " + file.sha256();
    }

    /** Undoes gzip when the stream starts with the gzip magic bytes, whatever the file is called. */
    static InputStream decoded(InputStream stored) throws IOException {
        BufferedInputStream in = new BufferedInputStream(stored, 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        return b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
