package io.kindling.datasets.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.datasets.BadRecords;
import io.kindling.datasets.DatasetFormatException;
import io.kindling.datasets.Example;
import io.kindling.datasets.testing.ImageFolders;
import io.kindling.datasets.testing.LocalSpark;
import io.kindling.datasets.testing.MiniHdfs;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderSourceTest {
    private static final Configuration CONF = new Configuration();

    @TempDir
    Path root;

    @Test
    void classesComeFromSortedFolderNamesAndImagesAreDecodedAndResized() {
        ImageFolders.write(root, List.of("dog", "cat", "bird"), 4, 16, 1);
        ImageFolderSource source = ImageFolderSource.open(root.toString(), 8, 8, false, null, CONF);
        assertEquals(List.of("bird", "cat", "dog"), source.info().classes());
        assertEquals("3x8x8", source.info().shape());
        List<Example> examples = source.rdd(LocalSpark.context(), 3, BadRecords.failing()).collect();
        assertEquals(12, examples.size());
        assertEquals(List.of(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2), examples.stream().map(Example::label).toList());
        assertEquals(3 * 64, examples.get(0).pixels().length);
    }

    @Test
    void grayscaleHasOneChannelOfLuminanceAndTheSizeDefaultsToTheFirstImage() throws IOException {
        Path folder = root.resolve("white");
        Files.createDirectories(folder);
        BufferedImage image = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                image.setRGB(x, y, Color.WHITE.getRGB());
            }
        }
        ImageIO.write(image, "png", folder.resolve("a.png").toFile());
        ImageFolderSource source = ImageFolderSource.open(root.toString(), 0, 0, true, null, CONF);
        assertEquals("1x3x5", source.info().shape());
        byte[] pixels = source.rdd(LocalSpark.context(), 1, BadRecords.failing()).first().pixels();
        assertEquals(15, pixels.length);
        assertEquals(255, pixels[7] & 0xff);
    }

    @Test
    void anEmptyClassFolderAndAMissingRootAreClearErrors() throws IOException {
        ImageFolders.write(root, List.of("a"), 2, 8, 1);
        Files.createDirectories(root.resolve("b"));
        Files.writeString(root.resolve("b/notes.txt"), "not an image");
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> ImageFolderSource.open(root.toString(), 8, 8, false, null, CONF));
        assertEquals("file:" + root.resolve("b") + ": no images, expected files ending in [bmp, gif, jpeg, jpg, png]",
                e.getMessage());
        assertEquals(root.resolve("none") + ": not a directory, expected root/<class>/<image> folders",
                assertThrows(DatasetFormatException.class, () -> ImageFolderSource.open(root.resolve("none").toString(),
                        8, 8, false, null, CONF)).getMessage());
    }

    @Test
    void anUndecodableImageFailsNamingItOrIsSkipped() throws IOException {
        ImageFolders.write(root, List.of("a", "b"), 3, 8, 1);
        Files.write(root.resolve("b/broken.png"), new byte[] {1, 2, 3, 4});
        ImageFolderSource source = ImageFolderSource.open(root.toString(), 8, 8, false, null, CONF);
        SparkException e = assertThrows(SparkException.class,
                () -> source.rdd(LocalSpark.context(), 2, BadRecords.failing()).count());
        assertTrue(e.getMessage().contains("broken.png: not a decodable image (PNG, JPEG, BMP or GIF)"), e.getMessage());
        BadRecords skip = BadRecords.skipping(LocalSpark.context().sc().longAccumulator());
        assertEquals(6, source.rdd(LocalSpark.context(), 2, skip).count());
        assertEquals(1, skip.skipped());
    }

    @Test
    void testFoldersMustHaveTheTrainingClasses() {
        ImageFolders.write(root.resolve("train"), List.of("a", "b"), 1, 8, 1);
        ImageFolders.write(root.resolve("test"), List.of("a", "c"), 1, 8, 1);
        List<String> classes = ImageFolderSource.open(root.resolve("train").toString(), 8, 8, false, null, CONF)
                .info().classes();
        DatasetFormatException e = assertThrows(DatasetFormatException.class,
                () -> ImageFolderSource.open(root.resolve("test").toString(), 8, 8, false, classes, CONF));
        assertEquals(root.resolve("test") + ": class folders [a, c], expected the training classes [a, b]", e.getMessage());
    }

    @Test
    void readsFromHdfs() throws IOException {
        ImageFolders.write(root, List.of("x", "y"), 2, 8, 3);
        String hdfs = MiniHdfs.uri() + "/images-" + System.nanoTime();
        FileSystem fs = new org.apache.hadoop.fs.Path(hdfs).getFileSystem(CONF);
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(root.toUri()), new org.apache.hadoop.fs.Path(hdfs));
        ImageFolderSource source = ImageFolderSource.open(hdfs, 8, 8, false, null, CONF);
        assertEquals(4, source.rdd(LocalSpark.context(), 2, BadRecords.failing()).count());
    }
}
