package io.kindling.datasets.images;

import io.kindling.datasets.BadRecords;
import io.kindling.datasets.DatasetFormatException;
import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.Example;
import io.kindling.datasets.ExampleSource;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SerializableWritable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * torchvision's ImageFolder: {@code root/<class>/<image>}, the class index given by the sorted folder
 * names. The driver lists the files (metadata); executors read, decode (PNG, JPEG, BMP, GIF), resize
 * to height × width (bilinear) and convert to grayscale or RGB, giving 8-bit CHW pixels.
 */
public final class ImageFolderSource implements ExampleSource {
    private static final long serialVersionUID = 1L;
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    private final String name;
    private final List<String> files;
    private final int[] labels;
    private final List<String> classes;
    private final int height;
    private final int width;
    private final int channels;
    private final long bytes;

    private ImageFolderSource(String name, List<String> files, int[] labels, List<String> classes, int height,
                              int width, int channels, long bytes) {
        this.name = name;
        this.files = files;
        this.labels = labels;
        this.classes = classes;
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.bytes = bytes;
    }

    /**
     * Lists {@code root}. {@code height} and {@code width} of 0 take the first image's size;
     * {@code classes}, when given, must equal the folder names (the test set's must match training's).
     */
    public static ImageFolderSource open(String root, int height, int width, boolean grayscale, List<String> classes,
                                         Configuration conf) {
        try {
            Path base = new Path(root);
            FileSystem fs = base.getFileSystem(conf);
            if (!fs.exists(base) || !fs.getFileStatus(base).isDirectory()) {
                throw new DatasetFormatException(root + ": not a directory, expected root/<class>/<image> folders");
            }
            List<FileStatus> folders = new ArrayList<>();
            for (FileStatus s : fs.listStatus(base)) {
                if (s.isDirectory() && !s.getPath().getName().startsWith(".")) {
                    folders.add(s);
                }
            }
            folders.sort(Comparator.comparing(s -> s.getPath().getName()));
            List<String> names = folders.stream().map(s -> s.getPath().getName()).toList();
            if (names.isEmpty()) {
                throw new DatasetFormatException(root + ": no class folders, expected root/<class>/<image>");
            }
            if (classes != null && !classes.equals(names)) {
                throw new DatasetFormatException(root + ": class folders " + names + ", expected the training classes "
                        + classes);
            }
            List<String> files = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            long decoded = 0;
            for (int c = 0; c < folders.size(); c++) {
                List<String> images = new ArrayList<>();
                for (FileStatus s : fs.listStatus(folders.get(c).getPath())) {
                    if (s.isFile() && EXTENSIONS.contains(extension(s.getPath().getName()))) {
                        images.add(s.getPath().toString());
                    }
                }
                if (images.isEmpty()) {
                    throw new DatasetFormatException(folders.get(c).getPath() + ": no images, expected files ending in "
                            + new java.util.TreeSet<>(EXTENSIONS));
                }
                Collections.sort(images);
                files.addAll(images);
                labels.addAll(Collections.nCopies(images.size(), c));
            }
            int h = height;
            int w = width;
            if (h <= 0 || w <= 0) {
                BufferedImage first = decode(files.get(0), conf);
                h = first.getHeight();
                w = first.getWidth();
            }
            decoded = (long) files.size() * h * w * (grayscale ? 1 : 3);
            return new ImageFolderSource("images/" + base.getName(), files, labels.stream().mapToInt(i -> i).toArray(),
                    names, h, w, grayscale ? 1 : 3, decoded);
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": cannot list: " + e.getMessage(), e);
        }
    }

    /** True for the file names this source decodes (by extension). */
    public static boolean isImage(String file) {
        return EXTENSIONS.contains(extension(file));
    }

    /** One image decoded and resized (bilinear) to channels × height × width 8-bit pixels. */
    public static byte[] load(String file, Configuration conf, int height, int width, int channels) {
        return Images.pixels(decode(file, conf), height, width, channels);
    }

    private static String extension(String file) {
        int dot = file.lastIndexOf('.');
        return dot < 0 ? "" : file.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    @Override
    public String name() {
        return name;
    }

    /** The decoded size: what is cached and shuffled. */
    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public DatasetInfo info() {
        return DatasetInfo.image(channels, height, width, classes);
    }

    @Override
    public JavaRDD<Example> rdd(JavaSparkContext sc, int partitions, BadRecords bad) {
        Broadcast<SerializableWritable<Configuration>> conf =
                sc.broadcast(new SerializableWritable<>(sc.hadoopConfiguration()));
        List<Tuple2<String, Integer>> entries = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            entries.add(new Tuple2<>(files.get(i), labels[i]));
        }
        int h = height;
        int w = width;
        int c = channels;
        return sc.parallelize(entries, Math.max(1, Math.min(partitions, entries.size()))).flatMap(entry -> {
            try {
                BufferedImage image = decode(entry._1(), conf.value().value());
                return List.of(Example.image(0, entry._2(), Images.pixels(image, h, w, c))).iterator();
            } catch (DatasetFormatException e) {
                bad.handle(e);
                return Collections.emptyIterator();
            }
        });
    }

    private static BufferedImage decode(String file, Configuration conf) {
        try {
            Path path = new Path(file);
            Images.checkSize(path.getFileSystem(conf).getFileStatus(path).getLen(), file);
            try (InputStream in = path.getFileSystem(conf).open(path)) {
                return Images.decode(in.readNBytes((int) Math.min(Images.MAX_BYTES + 1, Integer.MAX_VALUE - 8)), file);
            }
        } catch (IOException e) {
            throw new DatasetFormatException(file + ": not a decodable image: " + e.getMessage(), e);
        }
    }
}
