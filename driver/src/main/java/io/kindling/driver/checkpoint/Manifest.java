package io.kindling.driver.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The list of a checkpoint's files with the size and SHA-256 of each, written last: a checkpoint
 * counts only when its manifest is present and every file matches it.
 */
public record Manifest(int format, List<Entry> files) {
    public static final String NAME = "MANIFEST.json";
    public static final int FORMAT = 1;

    /** One file of the checkpoint. */
    public record Entry(String name, long size, String sha256) {
    }

    /** Returns null when every listed file in {@code dir} matches, else the first mismatch as one phrase. */
    public String verify(FileSystem fs, Path dir) throws IOException {
        if (files == null || files.isEmpty()) {
            return NAME + " lists no files";
        }
        for (Entry entry : files) {
            Path file = new Path(dir, entry.name());
            if (!fs.exists(file)) {
                return entry.name() + " is missing";
            }
            long size = fs.getFileStatus(file).getLen();
            if (size != entry.size()) {
                return entry.name() + " has " + size + " bytes, expected " + entry.size();
            }
            String sha = sha256(fs, file);
            if (!sha.equals(entry.sha256())) {
                return entry.name() + " has SHA-256 " + sha + ", expected " + entry.sha256();
            }
        }
        return null;
    }

    static String sha256(FileSystem fs, Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = new DigestInputStream(fs.open(file, 1 << 16), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
