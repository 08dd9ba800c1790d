package io.kindling.driver;

import io.kindling.driver.data.Mnist;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * Real MNIST for tests, fetched by the product's own fetcher into the user's dataset cache (once per
 * machine). KINDLING_MNIST_MIRROR names an extra mirror tried first (CI passes a local copy).
 */
public final class MnistForTests {
    private MnistForTests() {
    }

    public static synchronized String dir() {
        Mnist mnist = new Mnist();
        String dir = mnist.defaultDir();
        mnist.fetch(dir, mirrors(), new Configuration(), line -> { });
        return dir;
    }

    public static List<String> mirrors() {
        List<String> mirrors = new ArrayList<>();
        String mirror = System.getenv("KINDLING_MNIST_MIRROR");
        if (mirror != null && !mirror.isBlank()) {
            mirrors.add(mirror);
        }
        return mirrors;
    }
}
