package io.kindling.driver.data.fetch;

import io.kindling.datasets.HadoopFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Fetches a dataset published as a single .tar.gz (CIFAR-10): the archive is downloaded from the
 * first mirror that has it with the publishers' MD5, its members are extracted into the directory,
 * each checked for its exact size and written under a temporary name then renamed, and a
 * {@code SHA256SUMS} file records the SHA-256 of every extracted file for later checks.
 */
public final class ArchiveFetcher {
    public static final String SUMS = "SHA256SUMS";

    private final Configuration conf;
    private final Consumer<String> log;

    public ArchiveFetcher(Configuration conf, Consumer<String> log) {
        this.conf = conf;
        this.log = log;
    }

    public void fetch(String dir, ArchiveSpec spec, List<Mirror> mirrors) {
        try {
            Path base = new Path(dir);
            FileSystem fs = HadoopFiles.forWriting(base, conf);
            fs.mkdirs(base);
            String problem = verifyPresent(fs, base, spec);
            if (problem == null) {
                log.accept(spec.archive() + ": files present, SHA-256 verified against " + SUMS);
                return;
            }
            log.accept(spec.archive() + ": " + problem + "; fetching");
            List<String> attempts = new ArrayList<>();
            for (Mirror mirror : mirrors) {
                java.nio.file.Path local = Files.createTempFile("kindling-archive-", ".tar.gz");
                try {
                    String md5;
                    try (InputStream in = mirror.open(spec.archive())) {
                        md5 = copyWithMd5(in, local, maxArchiveBytes(spec));
                    }
                    if (!md5.equals(spec.md5())) {
                        attempts.add(mirror.describe() + ": MD5 " + md5 + ", expected " + spec.md5());
                        log.accept(spec.archive() + ": " + attempts.get(attempts.size() - 1));
                        continue;
                    }
                    extract(local, fs, base, spec);
                    log.accept(spec.archive() + ": fetched from " + mirror.describe() + ", MD5 verified, "
                            + spec.members().size() + " files extracted");
                    return;
                } catch (FileNotFoundException e) {
                    attempts.add(mirror.describe() + ": not found");
                } catch (IOException | RuntimeException e) {
                    attempts.add(mirror.describe() + ": " + firstLine(e));
                } finally {
                    Files.deleteIfExists(local);
                }
                log.accept(spec.archive() + ": " + attempts.get(attempts.size() - 1));
            }
            throw new FetchException(spec.archive() + ": no mirror had it with MD5 " + spec.md5() + " ("
                    + (attempts.isEmpty() ? "no mirror to try" : String.join("; ", attempts)) + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    /** Null when every member is in {@code base} and matches SHA256SUMS, else what is wrong. */
    private String verifyPresent(FileSystem fs, Path base, ArchiveSpec spec) throws IOException {
        Path sums = new Path(base, SUMS);
        if (!fs.exists(sums)) {
            return "no " + SUMS;
        }
        Map<String, String> expected = new TreeMap<>();
        try (InputStream in = fs.open(sums)) {
            new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(l -> l.split("\\s+", 2))
                    .filter(parts -> parts.length == 2).forEach(parts -> expected.put(parts[1], parts[0]));
        }
        for (String member : spec.members().keySet()) {
            Path file = new Path(base, member);
            if (!fs.exists(file)) {
                return member + " is missing";
            }
            MessageDigest sha = digest("SHA-256");
            try (InputStream in = new DigestInputStream(fs.open(file, 1 << 16), sha)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            if (!HexFormat.of().formatHex(sha.digest()).equals(expected.get(member))) {
                return member + " does not match " + SUMS;
            }
        }
        return null;
    }

    private void extract(java.nio.file.Path archive, FileSystem fs, Path base, ArchiveSpec spec) throws IOException {
        Map<String, String> sums = new TreeMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GZIPInputStream(Files.newInputStream(archive), 1 << 16))) {
            for (TarArchiveEntry entry; (entry = tar.getNextTarEntry()) != null; ) {
                String name = entry.getName();
                String prefix = spec.memberDir() + "/";
                if (!entry.isFile() || !name.startsWith(prefix)
                        || !spec.members().containsKey(name.substring(prefix.length()))) {
                    continue;
                }
                String member = name.substring(prefix.length());
                sums.put(member, writeMember(tar, fs, base, member, spec.members().get(member)));
            }
        }
        for (String member : spec.members().keySet()) {
            if (!sums.containsKey(member)) {
                throw new IOException("the archive lacks " + spec.memberDir() + "/" + member);
            }
        }
        StringBuilder text = new StringBuilder();
        sums.forEach((member, sha) -> text.append(sha).append("  ").append(member).append('\n'));
        HadoopFiles.writeAtomically(new Path(base, SUMS), conf,
                out -> out.write(text.toString().getBytes(StandardCharsets.UTF_8)));
        VerifiedFiles record = VerifiedFiles.of(fs, base);
        for (String member : sums.keySet()) {
            record.fetched(fs.getFileStatus(new Path(base, member)));
        }
        record.save();
    }

    /**
     * Checks the members Kindling extracted into {@code dir} before a job uses them ({@link
     * VerifiedFiles}): each one's size always, its SHA-256 against SHA256SUMS on the first use after the
     * fetch and whenever it changed since. Null when all are right, else the first problem.
     */
    public String checkCached(String dir, ArchiveSpec spec) {
        try {
            Path base = new Path(dir);
            FileSystem fs = base.getFileSystem(conf);
            return VerifiedFiles.of(fs, base).check(spec.members(), (name, file) -> verifyPresent(fs, base,
                    new ArchiveSpec(spec.archive(), spec.md5(), spec.memberDir(), Map.of(name, spec.members().get(name)))));
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    private String writeMember(InputStream in, FileSystem fs, Path base, String member, long size) throws IOException {
        Path target = new Path(base, member);
        Path part = new Path(base, "." + member + "." + UUID.randomUUID() + ".part");
        MessageDigest sha = digest("SHA-256");
        try {
            long written = 0;
            try (OutputStream out = new DigestOutputStream(fs.create(part, true), sha)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    written += n;
                    if (size >= 0 && written > size) { // checked as it streams: no member fills the disk
                        throw new IOException(member + " has more than " + size + " bytes, expected " + size);
                    }
                    out.write(buffer, 0, n);
                }
            }
            if (size >= 0 && written != size) {
                throw new IOException(member + " has " + written + " bytes, expected " + size);
            }
            fs.delete(target, false);
            if (!fs.rename(part, target)) {
                throw new IOException("cannot rename " + part + " to " + target);
            }
            return HexFormat.of().formatHex(sha.digest());
        } finally {
            fs.delete(part, false);
        }
    }

    private static long maxArchiveBytes(ArchiveSpec spec) {
        long members = spec.members().values().stream().mapToLong(Long::longValue).sum();
        return members + 1024L * (spec.members().size() + 64) + (1 << 20);
    }

    /**
     * Downloads the archive, at most {@code maxBytes} (its members' sizes and the tar headers: a
     * compressed archive is smaller), so that a mirror cannot fill the disk.
     */
    private static String copyWithMd5(InputStream in, java.nio.file.Path local, long maxBytes) throws IOException {
        MessageDigest md5 = digest("MD5");
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(local), md5)) {
            byte[] buffer = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > maxBytes) {
                    throw new IOException("more than " + maxBytes + " bytes, larger than the archive can be");
                }
                out.write(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
