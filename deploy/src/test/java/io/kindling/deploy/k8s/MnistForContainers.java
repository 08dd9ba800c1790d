package io.kindling.deploy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real MNIST for the container tests, fetched by the product itself (kindling datasets fetch) into
 * the user's dataset cache, once per machine; KINDLING_MNIST_MIRROR names a mirror tried first.
 */
final class MnistForContainers {
    private MnistForContainers() {
    }

    static synchronized Path dir() throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("user.home"), ".cache/kindling/datasets/mnist");
        List<String> command = new ArrayList<>(List.of(Podman.root().resolve("deploy/bin/kindling").toString(),
                "datasets", "fetch", "mnist", "--data-dir", dir.toString()));
        String mirror = System.getenv("KINDLING_MNIST_MIRROR");
        if (mirror != null && !mirror.isBlank()) {
            command.add("--mirror=" + mirror);
        }
        Process fetch = new ProcessBuilder(command).inheritIO().start();
        fetch.waitFor(10, TimeUnit.MINUTES);
        assertEquals(0, fetch.exitValue(), "kindling datasets fetch mnist");
        return dir;
    }
}
