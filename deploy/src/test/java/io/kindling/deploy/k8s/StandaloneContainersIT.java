package io.kindling.deploy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A Spark standalone cluster of Kindling containers on the host network: a master and two 1-core
 * workers, and the job's driver in a fourth container, all on read-only root filesystems as uid 185,
 * secured with a shared secret, MNIST mounted read-only and checkpoints on a mounted volume. A worker
 * container is SIGKILLed mid-epoch and replaced; the job trains every example and ends; a second job
 * resumes from its checkpoint.
 */
@Tag("default-spark-line-only")
class StandaloneContainersIT {
    private static final int EXAMPLES = 3000;
    private static final String PREFIX = "kindling-it-" + ThreadLocalRandom.current().nextInt(1 << 20) + "-";
    private static Path work;
    private static String image;
    private static String master;
    private static List<String> mounts;

    @BeforeAll
    static void startCluster() throws Exception {
        image = Podman.image();
        work = Files.createTempDirectory("kindling-containers-");
        Path conf = Files.createDirectories(work.resolve("conf"));
        Path checkpoints = Files.createDirectories(work.resolve("checkpoints"));
        byte[] secret = new byte[32];
        ThreadLocalRandom.current().nextBytes(secret);
        Files.writeString(conf.resolve("spark-defaults.conf"), String.join("\n", "spark.authenticate true",
                "spark.authenticate.secret " + Base64.getEncoder().encodeToString(secret),
                "spark.network.crypto.enabled true", "spark.io.encryption.enabled true",
                // Containers sharing the host's address do not share their disks: shuffle blocks of another
                // executor "on the same host" must be fetched, not read from its directories.
                "spark.shuffle.readHostLocalDisk false", ""));
        // The containers run as uid 185: it owns what they read privately and where they write.
        for (Path p : List.of(conf, conf.resolve("spark-defaults.conf"), checkpoints)) {
            Files.setAttribute(p, "unix:uid", 185);
            Files.setAttribute(p, "unix:gid", 185);
        }
        Files.setPosixFilePermissions(conf.resolve("spark-defaults.conf"),
                java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
        mounts = List.of("-v", conf + ":/opt/kindling/spark/conf:ro", "-v", MnistForContainers.dir() + ":/data/mnist:ro",
                "-v", checkpoints + ":/checkpoints");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        master = "spark://127.0.0.1:" + port;
        daemon("master", "master", "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port", "0");
        awaitLog("master", "I have been elected leader");
        worker("worker-1");
        worker("worker-2");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        String containers = Podman.run(60, "ps", "-a", "--format", "{{.Names}}").stdout();
        for (String name : containers.lines().filter(n -> n.startsWith(PREFIX)).toList()) {
            Podman.remove(name);
        }
        if (work != null) {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aJobSurvivesAWorkerContainerKilledMidEpochAndASecondJobResumesFromItsCheckpoint() throws Exception {
        Job first = submit("first", "2", true);
        assertEquals(0, first.exitCode, first.stdout);
        assertTrue(first.stdout.contains("Lost an executor in epoch 2"), "the segment is trained again:\n" + first.stdout);
        for (int epoch = 1; epoch <= 2; epoch++) {
            assertTrue(first.stdout.contains("Train Epoch: " + epoch + " [" + EXAMPLES + "/" + EXAMPLES + " (100%)]"),
                    "every example trained in epoch " + epoch + ":\n" + first.stdout);
        }
        assertTrue(Files.exists(work.resolve("checkpoints/mnist/epoch-0002/MANIFEST.json")), "epoch 2's checkpoint");

        Job resumed = submit("resumed", "3", false);
        assertEquals(0, resumed.exitCode, resumed.stdout);
        assertTrue(resumed.stdout.contains("Resuming from /checkpoints/mnist/epoch-0002: 2 epochs done"), resumed.stdout);
        assertFalse(resumed.stdout.contains("Train Epoch: 2 "), "epochs 1 and 2 are not trained again");
        assertTrue(resumed.stdout.contains("Train Epoch: 3 [" + EXAMPLES + "/" + EXAMPLES + " (100%)]"), resumed.stdout);
        assertTrue(Files.exists(work.resolve("checkpoints/mnist/epoch-0003/MANIFEST.json")), "epoch 3's checkpoint");
    }

    private record Job(int exitCode, String stdout) {
    }

    /** Runs the driver container; when asked, kills worker-1's container in epoch 2 and starts worker-3. */
    private static Job submit(String name, String epochs, boolean killAWorker) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--rm", "--name", PREFIX + name, "--network", "host",
                "--read-only", "-e", "KINDLING_SPARK_PROPERTIES=/opt/kindling/spark/conf/spark-defaults.conf",
                "-e", "KINDLING_DRIVER_MEMORY=2g", "-e", "KINDLING_EXECUTOR_MEMORY=1g", "-e", "KINDLING_EXECUTOR_OFFHEAP=1g"));
        args.addAll(mounts);
        args.addAll(List.of(image, "kindling-submit", "--master", master, "train", "--data-dir", "/data/mnist",
                "--no-download", "--epochs", epochs, "--workers", "2", "--limit-train", String.valueOf(EXAMPLES),
                "--limit-test", "500", "--log-interval", "10", "--checkpoint-dir", "/checkpoints/mnist", "--resume"));
        Process driver = Podman.builder(args).redirectError(work.resolve(name + ".err").toFile()).start();
        StringBuilder stdout = new StringBuilder();
        boolean killed = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                stdout.append(line).append('\n');
                if (killAWorker && !killed && line.startsWith("Train Epoch: 2 [1280/")) {
                    Podman.ok("kill", "--signal", "KILL", PREFIX + "worker-1");
                    killed = true;
                    worker("worker-3");
                }
            }
        }
        assertTrue(driver.waitFor(10, TimeUnit.MINUTES), name + " did not finish");
        String stderr = Files.readString(work.resolve(name + ".err"), StandardCharsets.UTF_8);
        assertEquals(killAWorker, killed, "a worker container was killed mid-epoch:\n" + stdout
                + stderr.substring(Math.max(0, stderr.length() - 20_000)));
        return new Job(driver.exitValue(), stdout.toString());
    }

    private static void worker(String name) throws Exception {
        daemon(name, "worker", "--host", "127.0.0.1", "--cores", "1", "--memory", "3g", "--webui-port", "0", master);
        awaitLog(name, "Successfully registered with master");
    }

    private static void daemon(String name, String... command) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", PREFIX + name, "--network", "host", "--read-only"));
        args.addAll(mounts);
        args.add(image);
        args.addAll(List.of(command));
        Podman.ok(args.toArray(String[]::new));
    }

    private static void awaitLog(String name, String text) throws InterruptedException {
        for (int i = 0; i < 120; i++) {
            if (Podman.run(60, "logs", PREFIX + name).output().contains(text)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(name + " did not log '" + text + "':\n" + Podman.run(60, "logs", PREFIX + name).output());
    }
}
