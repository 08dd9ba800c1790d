package io.kindling.datasets.testing;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/** Writes an ImageFolder dataset of encoded images: class c is noise with a coloured square placed by c. */
public final class ImageFolders {
    private static final Color[] COLOURS = {Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW};

    private ImageFolders() {
    }

    /** {@code perClass} images of size × size per class folder, PNG or JPEG alternately. */
    public static void write(Path root, List<String> classes, int perClass, int size, long seed) {
        Random random = new Random(seed);
        try {
            for (int c = 0; c < classes.size(); c++) {
                Path folder = root.resolve(classes.get(c));
                Files.createDirectories(folder);
                for (int i = 0; i < perClass; i++) {
                    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < size; y++) {
                        for (int x = 0; x < size; x++) {
                            int v = random.nextInt(50);
                            image.setRGB(x, y, new Color(v, v, v).getRGB());
                        }
                    }
                    Graphics2D g = image.createGraphics();
                    g.setColor(COLOURS[c % COLOURS.length]);
                    int half = size / 2;
                    g.fillRect((c % 2) * half, (c / 2 % 2) * half, half, half);
                    g.dispose();
                    String format = i % 2 == 0 ? "png" : "jpg";
                    ImageIO.write(image, format, folder.resolve(i + "." + format).toFile());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
