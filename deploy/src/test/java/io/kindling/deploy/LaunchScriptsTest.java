package io.kindling.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every launch script parses (`bash -n`): a quoting slip fails here, not on a user's cluster. */
class LaunchScriptsTest {
    @Test
    void everyScriptParses() throws IOException, InterruptedException {
        List<Path> scripts;
        try (Stream<Path> files = Files.walk(Path.of("."))) {
            scripts = files.filter(Files::isRegularFile).filter(f -> !f.startsWith("./target") && !f.startsWith("./src"))
                    .filter(LaunchScriptsTest::isBash).toList();
        }
        assertTrue(scripts.size() >= 8, "found " + scripts);
        for (Path script : scripts) {
            Process p = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), script + ": " + output);
        }
    }

    private static boolean isBash(Path file) {
        try {
            String first = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("");
            return first.startsWith("#!") && first.contains("bash");
        } catch (IOException | java.io.UncheckedIOException e) {
            return false; // not text
        }
    }
}
