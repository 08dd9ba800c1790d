package io.kindling.driver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelThroughputTest {
    @Test
    void aDenseNetworkIsNamedByItsWidths() {
        assertEquals(List.of(784, 256, 128, 10), ModelThroughput.widths("mlp:784-256-128-10"));
        assertEquals(List.of(100, 2), ModelThroughput.widths("mlp:100-2"));
        for (String bad : List.of("mlp:", "mlp:784", "mlp:784-0-10", "mlp:784-256-1", "mlp:784-x-10")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelThroughput.widths(bad));
            assertTrue(e.getMessage().startsWith("--models " + bad + ": expected mlp:IN-HIDDEN...-CLASSES"), e.getMessage());
        }
    }

    @Test
    void aTabularMlpTrainsWithItsOwnInputAndClassCount() {
        ModelThroughput.Result r = ModelThroughput.measure("mlp:100-256-256-2", 16, 1, 2, 1, 1, 1);
        assertEquals(100 * 256 + 256 + 256 * 256 + 256 + 256 * 2 + 2, r.params());
        assertEquals(16, r.batchSize());
        assertEquals(32, r.examples());
        // Forward, backward and the weight gradients: 3 multiply-adds per weight and example, 2 FLOPs each.
        assertEquals(6.0 * (100 * 256 + 256 * 256 + 256 * 2), r.flopsPerExample(), 0.02 * r.flopsPerExample());
    }
}
