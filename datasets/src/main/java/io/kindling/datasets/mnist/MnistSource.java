package io.kindling.datasets.mnist;

import io.kindling.datasets.BadRecords;
import io.kindling.datasets.DatasetFormatException;
import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.Example;
import io.kindling.datasets.ShardedSource;
import io.kindling.datasets.Shard;
import io.kindling.datasets.idx.IdxFile;
import io.kindling.datasets.idx.IdxHeader;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * MNIST from its IDX files (raw or .gz) in a directory on any Hadoop FileSystem. Opening checks the
 * headers on the driver; labels are range-checked on the executors as they are read.
 */
public final class MnistSource extends ShardedSource {
    private static final long serialVersionUID = 1L;

    public static final int ROWS = 28;
    public static final int COLS = 28;
    public static final int CLASSES = 10;

    /** The two splits, named by their file prefix. */
    public enum Split {
        TRAIN(MnistFiles.TRAIN_IMAGES, MnistFiles.TRAIN_LABELS),
        TEST(MnistFiles.TEST_IMAGES, MnistFiles.TEST_LABELS);

        final String images;
        final String labels;

        Split(String images, String labels) {
            this.images = images;
            this.labels = labels;
        }
    }

    private final String name;
    private final IdxFile images;
    private final IdxFile labels;
    private final int size;

    private MnistSource(String name, IdxFile images, IdxFile labels, int size) {
        this.name = name;
        this.images = images;
        this.labels = labels;
        this.size = size;
    }

    /**
     * Opens one split in {@code dir}. {@code limit} > 0 keeps only the first {@code limit} examples.
     */
    public static MnistSource open(String dir, Split split, int limit, Configuration conf) {
        IdxFile images = IdxFile.open(locate(dir, split.images, conf), IdxHeader.unsignedByteMagic(3), conf);
        IdxFile labels = IdxFile.open(locate(dir, split.labels, conf), IdxHeader.unsignedByteMagic(1), conf);
        images.header().expectRecordShape(ROWS, COLS);
        if (images.header().count() != labels.header().count()) {
            throw new DatasetFormatException(String.format(
                    "%s: record count %d, expected %d to match %s",
                    labels.name(), labels.header().count(), images.header().count(), images.name()));
        }
        int count = images.header().count();
        int size = limit > 0 ? Math.min(limit, count) : count;
        return new MnistSource("mnist/" + split.name().toLowerCase(), images, labels, size);
    }

    private static Path locate(String dir, String name, Configuration conf) {
        return MnistFiles.find(dir, name, conf).orElseThrow(() -> new DatasetFormatException(String.format(
                "%s: %s not found (raw or .gz), expected the four MNIST IDX files there;"
                        + " run `kindling datasets fetch mnist --data-dir %s`", dir, name, dir)));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public long bytes() {
        return (long) size * (ROWS * COLS + 1);
    }

    @Override
    public DatasetInfo info() {
        return DatasetInfo.image(1, ROWS, COLS, DatasetInfo.numbered(CLASSES));
    }

    @Override
    public Iterator<Example> read(Shard shard, Configuration conf, BadRecords bad) {
        IdxFile.RecordReader pixels = images.records(shard.first(), conf);
        IdxFile.RecordReader labelBytes = labels.records(shard.first(), conf);
        return new Iterator<>() {
            private int remaining = shard.count();
            private Example next = advance();

            /** The next good record, skipping bad ones when allowed; null at the end of the shard. */
            private Example advance() {
                while (remaining > 0) {
                    remaining--;
                    int index = labelBytes.position();
                    int label = labelBytes.read()[0] & 0xff;
                    byte[] image = pixels.read();
                    if (label < CLASSES) {
                        return Example.image(index, label, image);
                    }
                    bad.handle(new DatasetFormatException(String.format(
                            "%s: record %d: label %d, expected 0..%d", labels.name(), index, label, CLASSES - 1)));
                }
                pixels.close();
                labelBytes.close();
                return null;
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
