package io.kindling.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.driver.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code kindling benchmark}'s speed table, bracketed by the SGEMM reference measured before and after it. */
class BenchmarkCommandTest {
    @Test
    void theTableIsBracketedByTheReferenceMeasuredTwice() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.run("benchmark", "--gemm-size", "64", "--models", "mlp:8-4-2", "--batches", "2",
                    "--skip-epoch"));
        } finally {
            System.setOut(out);
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.get(0).matches("ND4J SGEMM 64x64 fp32, \\d+ threads: [\\d.]+ GFLOP/s \\(best of 5\\)"),
                lines.get(0));
        List<String> rows = lines.stream().filter(l -> l.startsWith("| mlp:8-4-2 | 64 | 46 |")).toList();
        assertEquals(2, rows.size(), String.join("\n", lines)); // one network on all threads, one per thread
        String last = lines.get(lines.size() - 1);
        assertTrue(last.matches("ND4J SGEMM again after the models: [\\d.]+ GFLOP/s \\([+-]\\d+% against the [\\d.]+"
                + " the shares above are of\\)(; the machine's speed changed during the run: compare examples/s, not"
                + " shares)?"), last);
    }

    @Test
    void aReferenceThatMovedMoreThanATenthSaysSo() {
        assertEquals("ND4J SGEMM again after the models: 180.0 GFLOP/s (+6% against the 170.0 the shares above are of)",
                BenchmarkCommand.gemmAgain(170, 180));
        assertTrue(BenchmarkCommand.gemmAgain(180, 114).startsWith(
                "ND4J SGEMM again after the models: 114.0 GFLOP/s (-37% against the 180.0 the shares above are of);"
                        + " the machine's speed changed during the run"));
    }
}
