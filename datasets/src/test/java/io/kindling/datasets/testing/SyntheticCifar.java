package io.kindling.datasets.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * CIFAR-10 binary files a network learns quickly: a record of class c is noise in three channels
 * with a bright block whose place and colour depend on c.
 */
public final class SyntheticCifar {
    public static final List<String> TRAIN = List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
            "data_batch_4.bin", "data_batch_5.bin");
    public static final String TEST = "test_batch.bin";

    private SyntheticCifar() {
    }

    /** Writes the five training files ({@code perFile} records each), the test file and batches.meta.txt. */
    public static void write(Path dir, int perFile, int testRecords, long seed) {
        Random random = new Random(seed);
        try {
            Files.createDirectories(dir);
            for (String file : TRAIN) {
                Files.write(dir.resolve(file), records(perFile, random));
            }
            Files.write(dir.resolve(TEST), records(testRecords, random));
            Files.writeString(dir.resolve("batches.meta.txt"),
                    "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] records(int count, Random random) {
        byte[] bytes = new byte[count * 3073];
        for (int r = 0; r < count; r++) {
            int label = random.nextInt(10);
            int offset = r * 3073;
            bytes[offset] = (byte) label;
            for (int i = 1; i < 3073; i++) {
                bytes[offset + i] = (byte) random.nextInt(60);
            }
            int channel = label % 3;
            int top = 2 + (label / 5) * 14;
            int left = 1 + (label % 5) * 6;
            for (int y = top; y < top + 10; y++) {
                for (int x = left; x < left + 5; x++) {
                    bytes[offset + 1 + channel * 1024 + y * 32 + x] = (byte) (200 + random.nextInt(56));
                }
            }
        }
        return bytes;
    }
}
