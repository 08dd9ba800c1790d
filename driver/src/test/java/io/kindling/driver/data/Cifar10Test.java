package io.kindling.driver.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.cifar.CifarSource;
import io.kindling.datasets.testing.SyntheticCifar;
import io.kindling.driver.data.fetch.ArchiveFetcher;
import io.kindling.driver.data.fetch.ArchiveSpec;
import io.kindling.driver.data.fetch.FetchException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CIFAR-10 fetch path on archives the test builds (the real one is 162 MB on one site). */
class Cifar10Test {
    @TempDir
    Path tmp;

    private final List<String> log = new ArrayList<>();

    @Test
    void extractsTheMembersOfAnArchiveWithThePublishedMd5AndRecordsTheirSha256() throws Exception {
        Map<String, byte[]> members = cifarMembers();
        Path mirror = tmp.resolve("mirror");
        String md5 = writeArchive(mirror.resolve("cifar-10-binary.tar.gz"), members);
        Path target = tmp.resolve("cifar10");

        Cifar10.fetch(target.toString(), spec(md5, members), List.of(mirror.toString()), new Configuration(), log::add);

        for (Map.Entry<String, byte[]> m : members.entrySet()) {
            assertArrayEquals(m.getValue(), Files.readAllBytes(target.resolve(m.getKey())), m.getKey());
        }
        String sums = Files.readString(target.resolve(ArchiveFetcher.SUMS));
        assertTrue(sums.contains(sha256(members.get("test_batch.bin")) + "  test_batch.bin"), sums);
        assertEquals(15, CifarSource.open(target.toString(), CifarSource.Split.TRAIN, new Configuration()).size());

        log.clear();
        Cifar10.fetch(target.toString(), spec(md5, members), List.of(), new Configuration(), log::add);
        assertEquals(List.of("cifar-10-binary.tar.gz: files present, SHA-256 verified against SHA256SUMS"), log);
    }

    @Test
    void anArchiveWithAnotherMd5IsRefusedForTheNextMirror() throws Exception {
        Map<String, byte[]> members = cifarMembers();
        Path bad = tmp.resolve("bad");
        Map<String, byte[]> tampered = new LinkedHashMap<>(members);
        tampered.put("test_batch.bin", SyntheticCifar.records(2, new Random(99)));
        writeArchive(bad.resolve("cifar-10-binary.tar.gz"), tampered);
        Path good = tmp.resolve("good");
        String md5 = writeArchive(good.resolve("cifar-10-binary.tar.gz"), members);
        Path target = tmp.resolve("cifar10");

        Cifar10.fetch(target.toString(), spec(md5, members), List.of(bad.toString(), good.toString()),
                new Configuration(), log::add);

        assertArrayEquals(members.get("test_batch.bin"), Files.readAllBytes(target.resolve("test_batch.bin")));
        assertTrue(log.stream().anyMatch(l -> l.startsWith("cifar-10-binary.tar.gz: " + bad + "/: MD5 ")), log.toString());
    }

    @Test
    void aMemberOfTheWrongSizeFailsTheFetchAndLeavesNoFileBehind() throws Exception {
        Map<String, byte[]> members = cifarMembers();
        Path mirror = tmp.resolve("mirror");
        String md5 = writeArchive(mirror.resolve("cifar-10-binary.tar.gz"), members);
        Map<String, Long> sizes = new LinkedHashMap<>();
        members.forEach((k, v) -> sizes.put(k, (long) v.length));
        sizes.put("data_batch_2.bin", 10_000L * 3073);
        ArchiveSpec spec = new ArchiveSpec("cifar-10-binary.tar.gz", md5, "cifar-10-batches-bin", sizes);
        Path target = tmp.resolve("cifar10");

        FetchException e = assertThrows(FetchException.class,
                () -> Cifar10.fetch(target.toString(), spec, List.of(mirror.toString()), new Configuration(), log::add));

        assertTrue(e.getMessage().contains("data_batch_2.bin has 9219 bytes, expected 30730000"), e.getMessage());
        assertTrue(!Files.exists(target.resolve("data_batch_2.bin")) && !Files.exists(target.resolve(ArchiveFetcher.SUMS)));
    }

    private static Map<String, byte[]> cifarMembers() {
        Random random = new Random(5);
        Map<String, byte[]> members = new LinkedHashMap<>();
        for (String file : SyntheticCifar.TRAIN) {
            members.put(file, SyntheticCifar.records(3, random));
        }
        members.put("test_batch.bin", SyntheticCifar.records(2, random));
        members.put("batches.meta.txt", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n".getBytes());
        return members;
    }

    private static ArchiveSpec spec(String md5, Map<String, byte[]> members) {
        Map<String, Long> sizes = new LinkedHashMap<>();
        members.forEach((k, v) -> sizes.put(k, k.endsWith(".txt") ? -1L : v.length));
        return new ArchiveSpec("cifar-10-binary.tar.gz", md5, "cifar-10-batches-bin", sizes);
    }

    /** Writes a .tar.gz laid out like CIFAR-10's and returns its MD5. */
    private static String writeArchive(Path file, Map<String, byte[]> members) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream raw = Files.newOutputStream(file);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(raw))) {
            tar.putArchiveEntry(new TarArchiveEntry("cifar-10-batches-bin/"));
            tar.closeArchiveEntry();
            for (Map.Entry<String, byte[]> m : members.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry("cifar-10-batches-bin/" + m.getKey());
                entry.setSize(m.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(m.getValue());
                tar.closeArchiveEntry();
            }
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
