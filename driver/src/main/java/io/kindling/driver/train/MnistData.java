package io.kindling.driver.train;

import io.kindling.datasets.mnist.MnistFetch;
import io.kindling.datasets.mnist.MnistFiles;
import java.io.PrintStream;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/** MNIST in a data directory, fetched there first when missing and allowed (torchvision's download=True). */
public final class MnistData {
    private MnistData() {
    }

    public static void ensure(String dataDir, boolean download, List<String> mirrors, Configuration conf,
                              PrintStream out) {
        if (MnistFiles.present(dataDir, conf)) {
            return;
        }
        if (!download) {
            throw new IllegalArgumentException("--data-dir " + dataDir
                    + ": MNIST files not found and --no-download given; run `kindling datasets fetch mnist --dir "
                    + dataDir + "`");
        }
        out.println("Downloading MNIST into " + dataDir);
        MnistFetch.into(dataDir, mirrors, conf, out::println);
    }
}
