package io.kindling.datasets.cifar;

import io.kindling.datasets.BadRecords;
import io.kindling.datasets.DatasetFormatException;
import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.Example;
import io.kindling.datasets.Shard;
import io.kindling.datasets.ShardedSource;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * CIFAR-10's binary version in a directory on any Hadoop FileSystem: {@code data_batch_1..5.bin}
 * (training) and {@code test_batch.bin}, each a run of 3073-byte records, one label byte and
 * 3072 pixel bytes (1024 red, then green, then blue, rows in order: CHW). Shards may cross files.
 */
public final class CifarSource extends ShardedSource {
    private static final long serialVersionUID = 1L;

    public static final int SIDE = 32;
    public static final int CHANNELS = 3;
    public static final int PIXELS = CHANNELS * SIDE * SIDE;
    public static final int RECORD = 1 + PIXELS;
    public static final int CLASSES = 10;
    public static final List<String> TRAIN_FILES =
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    public static final List<String> TEST_FILES = List.of("test_batch.bin");
    public static final String META = "batches.meta.txt";

    /** The two splits. */
    public enum Split {
        TRAIN(TRAIN_FILES), TEST(TEST_FILES);

        final List<String> files;

        Split(List<String> files) {
            this.files = files;
        }
    }

    private final String name;
    private final List<String> paths;
    private final int[] records;
    private final List<String> classes;
    private final int size;

    private CifarSource(String name, List<String> paths, int[] records, List<String> classes, int limit) {
        this.name = name;
        this.paths = paths;
        this.records = records;
        this.classes = classes;
        int total = 0;
        for (int r : records) {
            total += r;
        }
        this.size = limit > 0 ? Math.min(limit, total) : total;
    }

    /** Opens a split in {@code dir}: checks that every file is there and holds whole records. Driver-side. */
    public static CifarSource open(String dir, Split split, Configuration conf) {
        try {
            Path base = new Path(dir);
            FileSystem fs = base.getFileSystem(conf);
            List<String> paths = new ArrayList<>();
            int[] records = new int[split.files.size()];
            for (int i = 0; i < records.length; i++) {
                String file = split.files.get(i);
                Path path = new Path(base, file);
                if (!fs.exists(path)) {
                    throw new DatasetFormatException(String.format("%s: %s not found, expected the CIFAR-10 binary files"
                            + " %s and %s there; run `kindling datasets fetch cifar10 --data-dir %s`", dir, file,
                            String.join(", ", TRAIN_FILES), TEST_FILES.get(0), dir));
                }
                long bytes = fs.getFileStatus(path).getLen();
                if (bytes % RECORD != 0 || bytes == 0) {
                    throw new DatasetFormatException(String.format("%s: file size %d bytes, expected a non-zero multiple"
                            + " of %d (1 label byte + %d pixel bytes per record)%s", file, bytes, RECORD, PIXELS,
                            bytes % RECORD != 0 ? ": file is truncated" : ""));
                }
                paths.add(path.toString());
                records[i] = Math.toIntExact(bytes / RECORD);
            }
            return new CifarSource("cifar10/" + split.name().toLowerCase(), paths, records, classNames(fs, base), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The names in batches.meta.txt, when it lists ten; else 0..9. */
    private static List<String> classNames(FileSystem fs, Path base) throws IOException {
        Path meta = new Path(base, META);
        if (fs.exists(meta)) {
            try (InputStream in = fs.open(meta)) {
                List<String> names = new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines()
                        .map(String::trim).filter(l -> !l.isEmpty()).toList();
                if (names.size() == CLASSES) {
                    return names;
                }
            }
        }
        return DatasetInfo.numbered(CLASSES);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DatasetInfo info() {
        return DatasetInfo.image(CHANNELS, SIDE, SIDE, classes);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public long bytes() {
        return (long) size * RECORD;
    }

    @Override
    public Iterator<Example> read(Shard shard, Configuration conf, BadRecords bad) {
        return new Iterator<>() {
            private int nextRecord = shard.first();
            private final int end = shard.first() + shard.count();
            private int file = -1;
            private int fileFirst;
            private InputStream in;
            private Example next = advance();

            private Example advance() {
                while (nextRecord < end) {
                    int record = nextRecord++;
                    byte[] bytes = readRecord(record);
                    int label = bytes[0] & 0xff;
                    if (label < CLASSES) {
                        byte[] pixels = new byte[PIXELS];
                        System.arraycopy(bytes, 1, pixels, 0, PIXELS);
                        return Example.image(record, label, pixels);
                    }
                    bad.handle(new DatasetFormatException(String.format("%s: record %d: label %d, expected 0..%d",
                            new Path(paths.get(file)).getName(), record - fileFirst, label, CLASSES - 1)));
                }
                close();
                return null;
            }

            private byte[] readRecord(int record) {
                try {
                    if (in == null || record - fileFirst >= records[file]) {
                        openFileOf(record);
                    }
                    byte[] bytes = new byte[RECORD];
                    if (in.readNBytes(bytes, 0, RECORD) < RECORD) {
                        throw new EOFException();
                    }
                    return bytes;
                } catch (EOFException e) {
                    throw new DatasetFormatException(String.format("%s: record %d: file is truncated",
                            new Path(paths.get(file)).getName(), record - fileFirst), e);
                } catch (IOException e) {
                    throw new UncheckedIOException(paths.get(file) + ": " + e.getMessage(), e);
                }
            }

            private void openFileOf(int record) throws IOException {
                close();
                int first = 0;
                int f = 0;
                while (record - first >= records[f]) {
                    first += records[f];
                    f++;
                }
                file = f;
                fileFirst = first;
                Path path = new Path(paths.get(f));
                FSDataInputStream raw = path.getFileSystem(conf).open(path, 1 << 16);
                raw.seek((long) (record - first) * RECORD);
                in = new BufferedInputStream(raw, 1 << 16);
            }

            private void close() {
                if (in != null) {
                    try {
                        in.close();
                    } catch (IOException ignored) {
                        // reading is done
                    }
                    in = null;
                }
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Example next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                Example current = next;
                next = advance();
                return current;
            }
        };
    }
}
