package io.kindling.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.testing.SyntheticMnist;
import io.kindling.driver.job.DataSpec;
import io.kindling.driver.job.JobSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry of data sources: names, each kind's defaults and its own checks of the data options. */
class DatasetsTest {
    private static DataSpec data(JobSpec.Builder b) {
        return b.build().data();
    }

    @Test
    void everyKindHasANameDefaultsAndAnOwnCheck() {
        assertEquals(List.of("mnist", "cifar10", "csv", "images", "table"), Datasets.names());
        assertEquals("to_tensor; normalize(0.1307, 0.3081)", Datasets.transforms(data(JobSpec.builder())).text());
        assertEquals("to_tensor", Datasets.transforms(data(JobSpec.builder().dataset("cifar10"))).text());
        assertEquals("resize(8, 8); to_tensor",
                Datasets.transforms(data(JobSpec.builder().dataset("cifar10").transforms("resize(8,8); to_tensor")))
                        .text());
        assertTrue(Datasets.named("mnist").downloadable() && Datasets.named("cifar10").downloadable());
        assertFalse(Datasets.named("csv").downloadable() || Datasets.named("images").downloadable()
                || Datasets.named("table").downloadable());
        assertTrue(Datasets.named("cifar10").defaultDir().endsWith("datasets/cifar10"));
    }

    @Test
    void badChoicesNameTheirOption() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Datasets.named("tiff"));
        assertEquals("--dataset tiff: unknown, expected one of [mnist, cifar10, csv, images, table]", unknown.getMessage());
        IllegalArgumentException noFiles = assertThrows(IllegalArgumentException.class,
                () -> Datasets.of(data(JobSpec.builder().dataset("images"))));
        assertEquals("--train-data: needed with --dataset images, expected the training image folders",
                noFiles.getMessage());
        IllegalArgumentException regression = assertThrows(IllegalArgumentException.class,
                () -> Datasets.of(data(JobSpec.builder().regression(true))));
        assertEquals("--regression: only --dataset csv has numeric targets", regression.getMessage());
        Datasets.of(data(JobSpec.builder().dataset("csv").trainData(List.of("a.csv")).regression(true)));
        assertThrows(IllegalArgumentException.class,
                () -> Datasets.named("csv").fetch("/tmp/x", List.of(), null, line -> { }));
    }

    @Test
    void aMissingDatasetWithNoDownloadIsOneLineNamingTheFetchCommand(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String name : List.of("mnist", "cifar10")) {
            DataSpec spec = data(JobSpec.builder().dataset(name).dataDir(dir.toString()).download(false));
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> Datasets.named(name).ensure(spec, new Configuration(), new PrintStream(out)));
            assertEquals("--data-dir " + dir + ": " + Datasets.named(name).title() + " files not found and"
                    + " --no-download given; run `kindling datasets fetch " + name + " --data-dir " + dir + "`",
                    missing.getMessage());
        }
        SyntheticMnist.write(dir, 4, 2, 1, false);
        Datasets.named("mnist").ensure(data(JobSpec.builder().dataDir(dir.toString()).download(false)),
                new Configuration(), new PrintStream(out));
        assertEquals("", out.toString(), "files present: nothing fetched, nothing said");
    }
}
