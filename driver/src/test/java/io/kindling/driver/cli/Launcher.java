package io.kindling.driver.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs deploy/bin/kindling in a child process, the way a user does, and captures what it prints. */
final class Launcher {
    record Result(int exitCode, String stdout, String stderr) {
    }

    private Launcher() {
    }

    static Path root() {
        return Path.of(System.getProperty("kindling.root", "..")).toAbsolutePath().normalize();
    }

    /** The job jar the launchers use: the one for the Spark line of this build. */
    static Path jobJar() throws IOException, InterruptedException {
        Process process = new ProcessBuilder(root().resolve("deploy/bin/job-jar").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String jar = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.waitFor() != 0 || jar.isEmpty()) {
            throw new IllegalStateException("deploy/bin/job-jar found no job jar");
        }
        return Path.of(jar);
    }

    static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(root().resolve("deploy/bin/kindling").toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile("kindling-stdout", ".txt");
        Path err = Files.createTempFile("kindling-stderr", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(env);
            builder.environment().put("KINDLING_DRIVER_MEMORY", "2g");
            Process process = builder.start();
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("kindling " + String.join(" ", args) + " did not finish");
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Starts the launcher with stdout readable from the returned process and stderr discarded. */
    static Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(root().resolve("deploy/bin/kindling").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("KINDLING_DRIVER_MEMORY", "2g");
        return builder.start();
    }

    /** The lines of stderr that are ours, not log lines (which start with a time stamp). */
    static List<String> errorLines(Result result) {
        return result.stderr().lines().filter(l -> l.startsWith("kindling")).toList();
    }

    static String path(Path p) {
        return p.toAbsolutePath().toString().replace(File.separatorChar, '/');
    }
}
