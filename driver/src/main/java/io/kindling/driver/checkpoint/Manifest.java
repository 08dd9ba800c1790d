package io.kindling.driver.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The list of a checkpoint's files with the size and SHA-256 of each, written last: a checkpoint
 * counts only when its manifest is present, lists every file a checkpoint needs, names only files
 * inside the checkpoint's directory, and every file matches it. With a key
 * ({@code KINDLING_CHECKPOINT_KEY}) the manifest carries an HMAC-SHA256 of that list, and a
 * checkpoint whose manifest is unsigned or signed otherwise does not count.
 *
 * @param hmac the HMAC of the file list, hex; null when written without a key
 */
public record Manifest(int format, List<Entry> files, String hmac) {
    public static final String NAME = "MANIFEST.json";
    public static final int FORMAT = 1;
    /** The files every checkpoint has. */
    static final List<String> REQUIRED = List.of("model.zip", "state.json");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** One file of the checkpoint. */
    public record Entry(String name, long size, String sha256) {
    }

    /** The manifest of {@code files}, signed when {@code key} is not null. */
    static Manifest of(List<Entry> files, byte[] key) {
        return new Manifest(FORMAT, files, key == null ? null : sign(key, files));
    }

    /**
     * Returns null when the manifest is complete, signed as {@code key} asks (null: no signature
     * needed), and every listed file in {@code dir} matches; else the first problem as one phrase.
     */
    public String verify(FileSystem fs, Path dir, byte[] key) throws IOException {
        if (files == null || files.isEmpty()) {
            return NAME + " lists no files";
        }
        for (Entry entry : files) {
            if (entry == null || entry.name() == null || !FILE_NAME.matcher(entry.name()).matches()) {
                return NAME + " names '" + (entry == null ? null : entry.name()) + "', not a file of the checkpoint's"
                        + " own directory";
            }
        }
        for (String required : REQUIRED) {
            if (files.stream().noneMatch(e -> e.name().equals(required))) {
                return NAME + " does not list " + required;
            }
        }
        if (key != null) {
            if (hmac == null) {
                return NAME + " is not signed, and KINDLING_CHECKPOINT_KEY asks for signed checkpoints";
            }
            if (!MessageDigest.isEqual(sign(key, files).getBytes(StandardCharsets.US_ASCII),
                    hmac.getBytes(StandardCharsets.US_ASCII))) {
                return NAME + "'s signature does not match KINDLING_CHECKPOINT_KEY";
            }
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

    /** HMAC-SHA256 of the format and every entry, one line each, in order. */
    private static String sign(byte[] key, List<Entry> files) {
        StringBuilder text = new StringBuilder("kindling-checkpoint " + FORMAT + "\n");
        for (Entry e : files) {
            text.append(e.name()).append(' ').append(e.size()).append(' ').append(e.sha256()).append('\n');
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
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
