package io.kindling.driver.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.testing.MiniHdfs;
import io.kindling.driver.Json;
import io.kindling.driver.job.EpochResult;
import io.kindling.driver.job.EpochStats;
import io.kindling.worker.EvalStats;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FullDiskFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {
    private static final Configuration CONF = new Configuration();

    @TempDir
    Path tmp;

    @Test
    void theCrcIsCrc32cMaskedAsTensorFlowMasksIt() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xE3069283, TfEventReader.crc32c(check)); // the CRC-32C check value
        assertEquals(TfEventReader.masked(0xE3069283), TfRecordWriter.maskedCrc32c(check));
    }

    @Test
    void aFullDiskAbandonsTheMetricsFilesWithoutFailingTheJob() throws IOException {
        Path dir = tmp.resolve("full");
        try (RunDirectory run = RunDirectory.open("fulldisk://" + dir, FullDiskFileSystem.withRoom(200), false)) {
            for (int i = 0; i < 20; i++) { // past the room left: each file is abandoned, nothing thrown
                run.epoch(new EpochResult(i + 1, 0.1, new EpochStats(640, 10, 1, 0.5, 5.0, 4.8), null,
                        new EvalStats(10.0, 90, 100), 0), 10L * (i + 1));
            }
        }
    }

    @Test
    void aRunThatWroteNoMetricsLeavesNoEmptyFiles() throws IOException {
        Path dir = tmp.resolve("failed-run");
        RunDirectory.open(dir.toString(), CONF, false).close();
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> !f.getFileName().toString().startsWith(".")).toList());
        }
    }

    @Test
    void writesJsonLinesAndAnEventFileTensorBoardReads() throws IOException {
        String dir = tmp.resolve("runs/mnist").toUri().toString();
        try (RunDirectory run = RunDirectory.open(dir, CONF, false)) {
            run.train(new TrainPoint(1, 10, 640, 60000, 2.25, 1.0, 812.5, 73.1));
            run.train(new TrainPoint(1, 20, 1280, 60000, 1.5, 1.0, 820.0, 71.0));
            run.epoch(epoch(1, 0.7), 938);
        }
        List<JsonNode> lines = jsonLines(dir + "/metrics-001.jsonl");
        assertEquals(3, lines.size());
        JsonNode train = lines.get(0);
        assertEquals("train", train.get("kind").asText());
        assertEquals(10, train.get("step").asLong());
        assertEquals(640, train.get("examples").asLong());
        assertEquals(2.25, train.get("loss").asDouble());
        assertEquals(1.0, train.get("lr").asDouble());
        assertEquals(812.5, train.get("examples_per_sec").asDouble());
        JsonNode epoch = lines.get(2);
        assertEquals("epoch", epoch.get("kind").asText());
        assertEquals(1, epoch.get("epoch").asInt());
        assertEquals(0.0504, epoch.get("test_loss").asDouble(), 1e-12);
        assertEquals(0.9826, epoch.get("test_accuracy").asDouble(), 1e-12);
        assertEquals(74.0, epoch.get("epoch_sec").asDouble());
        assertEquals(0.7, epoch.get("checkpoint_sec").asDouble());
        assertFalse(epoch.has("validation_loss"), "a job without validation data writes no validation metrics");

        byte[] events = Files.readAllBytes(eventFiles(dir).get(0));
        List<TfEventReader.Event> read = TfEventReader.read(events);
        assertEquals("brain.Event:2", read.get(0).fileVersion());
        assertEquals(List.of(
                        "10 train/loss 2.25", "10 lr 1.0", "10 examples/s 812.5",
                        "20 train/loss 1.5", "20 lr 1.0", "20 examples/s 820.0",
                        "1 test/loss 0.0504", "1 test/accuracy 0.9826", "1 train/epoch_loss 0.3"),
                read.stream().skip(1).map(e -> e.step() + " " + e.values().get(0).tag() + " "
                        + e.values().get(0).simpleValue()).toList());
        double now = System.currentTimeMillis() / 1000.0;
        assertTrue(read.stream().allMatch(e -> e.wallTime() > now - 600 && e.wallTime() <= now));
    }

    @Test
    void aResumedRunAddsAMetricsFileAndAnEventFileOnHdfs() throws IOException {
        String dir = MiniHdfs.uri() + "/runs/resumed";
        try (RunDirectory run = RunDirectory.open(dir, CONF, false)) {
            run.epoch(epoch(1, 0), 938);
        }
        try (RunDirectory run = RunDirectory.open(dir, CONF, false)) {
            run.epoch(epoch(2, 0), 1876);
        }
        assertEquals(1, jsonLines(dir + "/metrics-001.jsonl").get(0).get("epoch").asInt());
        assertEquals(2, jsonLines(dir + "/metrics-002.jsonl").get(0).get("epoch").asInt());
        FileSystem fs = new org.apache.hadoop.fs.Path(dir).getFileSystem(CONF);
        List<FileStatus> eventFiles = Arrays.stream(fs.listStatus(new org.apache.hadoop.fs.Path(dir)))
                .filter(s -> s.getPath().getName().contains("tfevents")).toList();
        assertEquals(2, eventFiles.size());
        for (FileStatus file : eventFiles) {
            try (InputStream in = fs.open(file.getPath())) {
                assertEquals("brain.Event:2", TfEventReader.read(in.readAllBytes()).get(0).fileVersion());
            }
        }
    }

    @Test
    void aRegressionWritesNoAccuracy() throws IOException {
        String dir = tmp.resolve("regression").toUri().toString();
        try (RunDirectory run = RunDirectory.open(dir, CONF, true)) {
            run.epoch(epoch(1, 0), 10);
        }
        assertFalse(jsonLines(dir + "/metrics-001.jsonl").get(0).has("test_accuracy"));
        List<String> tags = new ArrayList<>();
        TfEventReader.read(Files.readAllBytes(eventFiles(dir).get(0))).forEach(e -> e.values().forEach(v -> tags.add(v.tag())));
        assertEquals(List.of("test/loss", "train/epoch_loss"), tags);
    }

    @Test
    void aDirectoryThatCannotBeWrittenFailsWithTheOption() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunDirectory.open(file.toUri() + "/runs", CONF, false));
        assertTrue(e.getMessage().startsWith("--run-dir " + file.toUri() + "/runs: cannot write metrics there"),
                e.getMessage());
    }

    private static EpochResult epoch(int epoch, double checkpointSeconds) {
        return new EpochResult(epoch, 1.0, new EpochStats(60000, 938, 188, 0.3, 74.0, 70.0), null,
                new EvalStats(504.0, 9826, 10000), checkpointSeconds);
    }

    private static List<JsonNode> jsonLines(String uri) throws IOException {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(uri);
        try (InputStream in = path.getFileSystem(CONF).open(path)) {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                lines.add(Json.MAPPER.readTree(line));
            }
            return lines;
        }
    }

    private static List<Path> eventFiles(String dirUri) throws IOException {
        try (var files = Files.list(Path.of(java.net.URI.create(dirUri)))) {
            return files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).toList();
        }
    }
}
