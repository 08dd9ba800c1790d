package io.kindling.deploy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Podman for the container tests: runs its commands with the test's containers.conf, and builds the
 * local Debian base and Kindling's image with deploy/k8s/build-base and build-image, once per test JVM.
 * Without podman, buildah and mmdebstrap the tests are skipped, except on CI (CI=true), where
 * .ci/run installs them and their absence is a failure.
 */
public final class Podman {
    private static String image;

    private Podman() {
    }

    /** Skips (or, on CI, fails) a test on a machine without the container tools. */
    public static void assumeAvailable() {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("podman", "buildah", "mmdebstrap")) {
            if (!onPath(tool)) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty() && "true".equals(System.getenv("CI"))) {
            fail("missing on CI: " + missing + " (.ci/run installs them)");
        }
        assumeTrue(missing.isEmpty(), "no " + missing + " on this machine");
    }

    /** Kindling's image of this build, on the local Debian base; built on first use. */
    public static synchronized String image() {
        assumeAvailable();
        if (image == null) {
            String base = script("build-base");
            image = script("build-image", "--base", base);
        }
        return image;
    }

    public static Result run(long timeoutSeconds, String... args) {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(args));
        return exec(command, timeoutSeconds);
    }

    /**
     * Removes a container, and tries again while it still exists: a removal can fail while the
     * container is exiting on its own (its driver just stopped), and a container left behind keeps its
     * image, about 1 GB, on the disk.
     */
    public static void remove(String container) {
        for (int attempt = 0; attempt < 5; attempt++) {
            run(120, "rm", "-f", "-t", "0", container);
            if (run(60, "container", "exists", container).exitCode() != 0) {
                return;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Runs podman and asserts it succeeded; returns its standard output. */
    public static String ok(String... args) {
        Result result = run(600, args);
        assertEquals(0, result.exitCode(), "podman " + String.join(" ", args) + ":\n" + result.output());
        return result.stdout().strip();
    }

    public static ProcessBuilder builder(List<String> args) {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("CONTAINERS_CONF", containersConf().toString());
        return builder;
    }

    public static Path root() {
        return Path.of(System.getProperty("kindling.root", "..")).toAbsolutePath().normalize();
    }

    private static String script(String name, String... args) {
        List<String> command = new ArrayList<>(List.of(root().resolve("deploy/k8s/" + name).toString()));
        command.addAll(List.of(args));
        Result result = exec(command, 900);
        assertEquals(0, result.exitCode(), name + " failed:\n" + result.output());
        String[] lines = result.stdout().strip().split("\n");
        return lines[lines.length - 1];
    }

    private static Result exec(List<String> command, long timeoutSeconds) {
        try {
            Path out = Files.createTempFile("podman-", ".out");
            Path err = Files.createTempFile("podman-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().put("CONTAINERS_CONF", containersConf().toString());
            Process process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
            Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path containersConf() {
        try {
            return Path.of(Podman.class.getResource("/containers.conf").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    public record Result(int exitCode, String stdout, String stderr) {
        public String output() {
            return stdout + stderr;
        }
    }
}
