package io.kindling.datasets.cifar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kindling.datasets.BadRecords;
import io.kindling.datasets.DatasetFormatException;
import io.kindling.datasets.Example;
import io.kindling.datasets.Shard;
import io.kindling.datasets.testing.LocalSpark;
import io.kindling.datasets.testing.MiniHdfs;
import io.kindling.datasets.testing.SyntheticCifar;
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

class CifarSourceTest {
    private static final Configuration CONF = new Configuration();

    @TempDir
    Path dir;

    @Test
    void readsTheFiveTrainingFilesInOrderWithShardsCrossingFiles() throws IOException {
        SyntheticCifar.write(dir, 7, 5, 3);
        CifarSource source = CifarSource.open(dir.toString(), CifarSource.Split.TRAIN, CONF);
        assertEquals(35, source.size());
        assertEquals("3x32x32", source.info().shape());
        assertEquals("airplane", source.info().classes().get(0));

        List<Example> read = new ArrayList<>();
        for (Shard s : Shard.split(35, 4)) {
            source.read(s, CONF, BadRecords.failing()).forEachRemaining(read::add);
        }
        byte[] file2 = Files.readAllBytes(dir.resolve("data_batch_2.bin"));
        Example tenth = read.get(9); // the third record of the second file
        assertEquals(9, tenth.index());
        assertEquals(file2[2 * 3073], (byte) tenth.label());
        byte[] pixels = new byte[3072];
        System.arraycopy(file2, 2 * 3073 + 1, pixels, 0, 3072);
        assertArrayEquals(pixels, tenth.pixels());
        assertEquals(5, CifarSource.open(dir.toString(), CifarSource.Split.TEST, CONF).size());
    }

    @Test
    void aTruncatedFileIsNamedWithItsSize() throws IOException {
        SyntheticCifar.write(dir, 3, 2, 3);
        Path third = dir.resolve("data_batch_3.bin");
        Files.write(third, java.util.Arrays.copyOf(Files.readAllBytes(third), 3 * 3073 - 10));
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> CifarSource.open(dir.toString(), CifarSource.Split.TRAIN, CONF));
        assertEquals("data_batch_3.bin: file size 9209 bytes, expected a non-zero multiple of 3073 (1 label byte"
                + " + 3072 pixel bytes per record): file is truncated", e.getMessage());
    }

    @Test
    void aLabelAboveNineIsABadRecord() throws IOException {
        SyntheticCifar.write(dir, 3, 2, 3);
        Path fourth = dir.resolve("data_batch_4.bin");
        byte[] bytes = Files.readAllBytes(fourth);
        bytes[3073] = 12;
        Files.write(fourth, bytes);
        CifarSource source = CifarSource.open(dir.toString(), CifarSource.Split.TRAIN, CONF);
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> source.read(new Shard(0, 15), CONF, BadRecords.failing()).forEachRemaining(x -> { }));
        assertEquals("data_batch_4.bin: record 1: label 12, expected 0..9", e.getMessage());
        BadRecords skip = BadRecords.skipping(LocalSpark.context().sc().longAccumulator());
        assertEquals(14, source.rdd(LocalSpark.context(), 3, skip).count());
        assertEquals(1, skip.skipped());
    }

    @Test
    void aMissingFileSaysWhatToFetch() {
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> CifarSource.open(dir.toString(), CifarSource.Split.TEST, CONF));
        assertEquals(dir + ": test_batch.bin not found, expected the CIFAR-10 binary files data_batch_1.bin,"
                + " data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin and test_batch.bin there;"
                + " run `kindling datasets fetch cifar10 --data-dir " + dir + "`", e.getMessage());
    }

    @Test
    void executorsReadItFromHdfs() throws IOException {
        SyntheticCifar.write(dir, 4, 2, 9);
        String hdfs = MiniHdfs.uri() + "/cifar-" + System.nanoTime();
        FileSystem fs = new org.apache.hadoop.fs.Path(hdfs).getFileSystem(CONF);
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(f.toUri()), new org.apache.hadoop.fs.Path(hdfs + "/" + f.getFileName()));
            }
        }
        List<Example> read = new ArrayList<>(CifarSource.open(hdfs, CifarSource.Split.TRAIN, CONF)
                .rdd(LocalSpark.context(), 3, BadRecords.failing()).collect());
        read.sort(Comparator.comparingInt(Example::index));
        List<Example> local = new ArrayList<>();
        CifarSource.open(dir.toString(), CifarSource.Split.TRAIN, CONF).read(new Shard(0, 20), CONF, BadRecords.failing())
                .forEachRemaining(local::add);
        assertEquals(20, read.size());
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(local.get(i).pixels(), read.get(i).pixels());
        }
    }
}
