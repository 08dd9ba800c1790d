package io.kindling.datasets.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kindling.datasets.DatasetFormatException;
import io.kindling.datasets.Example;
import io.kindling.datasets.BadRecords;
import io.kindling.datasets.Shard;
import io.kindling.datasets.testing.IdxFiles;
import io.kindling.datasets.testing.LocalSpark;
import io.kindling.datasets.testing.MiniHdfs;
import io.kindling.datasets.testing.SyntheticMnist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistSourceTest {
    private static final Configuration CONF = new Configuration();

    @TempDir
    Path dir;

    @Test
    void rawAndGzippedFilesReadTheSameExamplesInAnySharding() {
        SyntheticMnist.write(dir.resolve("raw"), 50, 10, 7, false);
        SyntheticMnist.write(dir.resolve("gz"), 50, 10, 7, true);
        MnistSource raw = MnistSource.open(dir.resolve("raw").toString(), MnistSource.Split.TRAIN, 0, CONF);
        MnistSource gz = MnistSource.open(dir.resolve("gz").toString(), MnistSource.Split.TRAIN, 0, CONF);
        assertEquals(50, raw.size());

        List<Example> whole = readAll(raw, List.of(new Shard(0, 50)));
        List<Example> sharded = readAll(gz, Shard.split(50, 3));
        assertEquals(50, sharded.size());
        for (int i = 0; i < 50; i++) {
            assertEquals(i, sharded.get(i).index());
            assertEquals(whole.get(i).label(), sharded.get(i).label());
            assertArrayEquals(whole.get(i).pixels(), sharded.get(i).pixels());
        }
    }

    @Test
    void limitKeepsTheFirstExamples() {
        SyntheticMnist.write(dir, 50, 10, 7, false);
        MnistSource source = MnistSource.open(dir.toString(), MnistSource.Split.TRAIN, 20, CONF);
        assertEquals(20, source.size());
        assertEquals(20, readAll(source, Shard.split(20, 2)).size());
    }

    @Test
    void wrongMagicNamesFileAndBothNumbers() {
        SyntheticMnist.write(dir, 20, 10, 7, false);
        byte[] labelsAsImages = IdxFiles.bytes(0x0801, new int[] {20 * 784}, new byte[20 * 784]);
        IdxFiles.write(dir.resolve("train-images-idx3-ubyte"), labelsAsImages);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> MnistSource.open(dir.toString(), MnistSource.Split.TRAIN, 0, CONF));
        assertEquals("train-images-idx3-ubyte: magic number 0x00000801, expected 0x00000803", e.getMessage());
    }

    @Test
    void truncatedRawFileIsCaughtFromItsSize() throws IOException {
        SyntheticMnist.write(dir, 20, 10, 7, false);
        Path images = dir.resolve("train-images-idx3-ubyte");
        byte[] content = Files.readAllBytes(images);
        Files.write(images, java.util.Arrays.copyOf(content, content.length - 100));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> MnistSource.open(dir.toString(), MnistSource.Split.TRAIN, 0, CONF));
        assertEquals("train-images-idx3-ubyte: file size 15596 bytes, expected 15696 (header 16 + 20 records"
                + " x 784 bytes): file is truncated", e.getMessage());
    }

    @Test
    void truncatedGzippedFileFailsAtTheRecordItLacks() {
        SyntheticMnist.write(dir, 20, 10, 7, true);
        byte[] short18 = IdxFiles.images(20, 28, 28, new byte[18 * 784]);
        IdxFiles.write(dir.resolve("train-images-idx3-ubyte.gz"), short18);
        MnistSource source = MnistSource.open(dir.toString(), MnistSource.Split.TRAIN, 0, CONF);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> readAll(source, List.of(new Shard(10, 10))));
        assertEquals("train-images-idx3-ubyte.gz: record 18: file is truncated, expected 20 records of 784 bytes",
                e.getMessage());
    }

    @Test
    void countMismatchBetweenImagesAndLabels() {
        SyntheticMnist.write(dir, 20, 10, 7, false);
        IdxFiles.write(dir.resolve("train-labels-idx1-ubyte"), IdxFiles.labels(new byte[19]));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> MnistSource.open(dir.toString(), MnistSource.Split.TRAIN, 0, CONF));
        assertEquals("train-labels-idx1-ubyte: record count 19, expected 20 to match train-images-idx3-ubyte",
                e.getMessage());
    }

    @Test
    void labelOutOfRangeNamesTheRecord() {
        SyntheticMnist.write(dir, 20, 10, 7, false);
        byte[] labels = new byte[20];
        labels[13] = 11;
        IdxFiles.write(dir.resolve("train-labels-idx1-ubyte"), IdxFiles.labels(labels));
        MnistSource source = MnistSource.open(dir.toString(), MnistSource.Split.TRAIN, 0, CONF);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> readAll(source, List.of(new Shard(0, 20))));
        assertEquals("train-labels-idx1-ubyte: record 13: label 11, expected 0..9", e.getMessage());
    }

    @Test
    void badLabelsAreSkippedAndCountedWhenAsked() {
        SyntheticMnist.write(dir, 20, 10, 7, false);
        byte[] labels = new byte[20];
        labels[3] = 11;
        labels[17] = (byte) 200;
        IdxFiles.write(dir.resolve("train-labels-idx1-ubyte"), IdxFiles.labels(labels));
        MnistSource source = MnistSource.open(dir.toString(), MnistSource.Split.TRAIN, 0, CONF);
        BadRecords skip = BadRecords.skipping(LocalSpark.context().sc().longAccumulator());
        List<Example> read = source.rdd(LocalSpark.context(), 3, skip).collect();
        assertEquals(18, read.size());
        assertEquals(2, skip.skipped());
    }

    @Test
    void wrongImageSize() {
        SyntheticMnist.write(dir, 20, 10, 7, false);
        IdxFiles.write(dir.resolve("train-images-idx3-ubyte"), IdxFiles.images(20, 28, 27, new byte[20 * 28 * 27]));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> MnistSource.open(dir.toString(), MnistSource.Split.TRAIN, 0, CONF));
        assertEquals("train-images-idx3-ubyte: record dimensions 28x27, expected 28x28", e.getMessage());
    }

    @Test
    void missingFileNamesTheDirectoryAndTheFile() {
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> MnistSource.open(dir.toString(), MnistSource.Split.TEST, 0, CONF));
        assertEquals(dir + ": t10k-images-idx3-ubyte not found (raw or .gz), expected the four MNIST IDX files"
                + " there; run `kindling datasets fetch mnist --data-dir " + dir + "`", e.getMessage());
    }

    @Test
    void executorsReadTheirShardsFromHdfs() throws IOException {
        SyntheticMnist.write(dir, 300, 10, 11, true);
        String hdfsDir = MiniHdfs.uri() + "/mnist-source-test";
        Configuration conf = LocalSpark.context().hadoopConfiguration();
        FileSystem fs = new org.apache.hadoop.fs.Path(hdfsDir).getFileSystem(conf);
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(f.toUri()),
                        new org.apache.hadoop.fs.Path(hdfsDir + "/" + f.getFileName()));
            }
        }
        MnistSource local = MnistSource.open(dir.toString(), MnistSource.Split.TRAIN, 0, CONF);
        MnistSource hdfs = MnistSource.open(hdfsDir, MnistSource.Split.TRAIN, 0, conf);

        List<Example> read = new ArrayList<>(hdfs.rdd(LocalSpark.context(), 4, BadRecords.failing()).collect());
        read.sort(Comparator.comparingInt(Example::index));
        List<Example> expected = readAll(local, List.of(new Shard(0, 300)));
        assertEquals(300, read.size());
        for (int i = 0; i < 300; i++) {
            assertEquals(i, read.get(i).index());
            assertEquals(expected.get(i).label(), read.get(i).label());
            assertArrayEquals(expected.get(i).pixels(), read.get(i).pixels());
        }
    }

    private static List<Example> readAll(MnistSource source, List<Shard> shards) {
        List<Example> all = new ArrayList<>();
        for (Shard shard : shards) {
            source.read(shard, CONF, BadRecords.failing()).forEachRemaining(all::add);
        }
        return all;
    }
}
