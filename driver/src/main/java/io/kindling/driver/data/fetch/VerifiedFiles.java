package io.kindling.driver.data.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The record of the files Kindling fetched into a dataset directory, {@code .kindling-verified}: per
 * file its size and modification time when written, and whether it has since been hashed as stored
 * (the fetch hashes the stream on its way in, not what landed on the storage). A job checks recorded
 * files before using them: the size always; the SHA-256 on the first use after the fetch, and again
 * whenever the file changed since. Files without a record (the user's own IDX files, as Fashion-MNIST)
 * are left to the format's own checks. A directory that cannot be written keeps the record it had.
 */
final class VerifiedFiles {
    static final String NAME = ".kindling-verified";
    private static final String FETCHED = "fetched";
    private static final String VERIFIED = "verified";

    private final FileSystem fs;
    private final Path dir;
    private final Map<String, String[]> entries = new TreeMap<>(); // name -> {state, size, time}

    private VerifiedFiles(FileSystem fs, Path dir) {
        this.fs = fs;
        this.dir = dir;
    }

    static VerifiedFiles of(FileSystem fs, Path dir) {
        VerifiedFiles record = new VerifiedFiles(fs, dir);
        try (InputStream in = fs.open(new Path(dir, NAME))) {
            new String(in.readNBytes(1 << 16), StandardCharsets.UTF_8).lines().map(l -> l.split(" ", 4))
                    .filter(parts -> parts.length == 4).forEach(parts -> record.entries.put(parts[3],
                            new String[] {parts[0], parts[1], parts[2]}));
        } catch (IOException e) {
            // no record: nothing here was fetched by Kindling
        }
        return record;
    }

    /** Whether Kindling fetched the file of this name here. */
    boolean recorded(String name) {
        return entries.containsKey(name);
    }

    /** Whether the file was hashed as stored and has not changed since. */
    boolean verified(FileStatus file) {
        String[] e = entries.get(file.getPath().getName());
        return e != null && e[0].equals(VERIFIED) && e[1].equals(String.valueOf(file.getLen()))
                && e[2].equals(String.valueOf(file.getModificationTime()));
    }

    void fetched(FileStatus file) {
        put(FETCHED, file);
    }

    void hashed(FileStatus file) {
        put(VERIFIED, file);
    }

    private void put(String state, FileStatus file) {
        entries.put(file.getPath().getName(), new String[] {state, String.valueOf(file.getLen()),
                String.valueOf(file.getModificationTime())});
    }

    /** How a file's content is checked: null when right, else the problem. */
    @FunctionalInterface
    interface ContentCheck {
        String problem(String name, Path file) throws IOException;
    }

    /**
     * Checks the recorded ones of {@code sizes} (file name to expected size): the size always, the
     * content by {@code content} when not verified since the last change, recording those that pass.
     * Null when all are right, else the first problem, naming the file.
     */
    String check(Map<String, Long> sizes, ContentCheck content) throws IOException {
        boolean hashed = false;
        for (Map.Entry<String, Long> expected : sizes.entrySet()) {
            String name = expected.getKey();
            if (!recorded(name)) {
                continue;
            }
            Path file = new Path(dir, name);
            if (!fs.exists(file)) {
                return name + " is missing";
            }
            FileStatus status = fs.getFileStatus(file);
            if (status.getLen() != expected.getValue()) {
                return name + " has " + status.getLen() + " bytes, expected " + expected.getValue();
            }
            if (verified(status)) {
                continue;
            }
            String problem = content.problem(name, file);
            if (problem != null) {
                return problem;
            }
            hashed(status);
            hashed = true;
        }
        if (hashed) {
            save();
        }
        return null;
    }

    /** Writes the record; a directory that cannot be written keeps the one it had. */
    void save() {
        StringBuilder text = new StringBuilder();
        entries.forEach((name, e) -> text.append(e[0]).append(' ').append(e[1]).append(' ').append(e[2]).append(' ')
                .append(name).append('\n'));
        try (OutputStream out = fs.create(new Path(dir, NAME), true)) {
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            // read-only data: hashed again on the next use
        }
    }
}
