package io.kindling.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/** A small CSV classification dataset for tests: points of three classes, label column in the middle. */
public final class CsvBlobs {
    private CsvBlobs() {
    }

    /** Three classes of 4-feature points around well-separated centres, on different scales. */
    public static void write(Path file, int rows, long seed) throws IOException {
        String[] names = {"crimson", "amber", "blue"};
        double[][] centres = {{10, 200, -3, 0.5}, {14, 260, 0, 0.1}, {6, 230, 3, 0.9}};
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("f1,f2,species,f3,f4\n");
        for (int i = 0; i < rows; i++) {
            int c = random.nextInt(3);
            double[] x = new double[4];
            for (int k = 0; k < 4; k++) {
                x[k] = centres[c][k] + random.nextGaussian() * (k == 1 ? 10 : k == 3 ? 0.1 : 1);
            }
            csv.append(String.format(Locale.ROOT, "%.3f,%.3f,%s,%.3f,%.3f%n", x[0], x[1], names[c], x[2], x[3]));
        }
        Files.writeString(file, csv);
    }
}
