package io.kindling.driver.data;

import io.kindling.datasets.DatasetInfo;
import io.kindling.datasets.ExampleSource;
import io.kindling.datasets.images.ImageFolderSource;
import io.kindling.driver.job.DataSpec;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * torchvision's ImageFolder layout, {@code root/<class>/<image>}: images decoded on the executors
 * and resized to `--image-size` (the first image's size without it), RGB or `--grayscale`. Test
 * folders take the training data's size and classes.
 */
public final class ImageFolders implements Dataset {
    @Override
    public String name() {
        return "images";
    }

    @Override
    public boolean readsUserFiles() {
        return true;
    }

    @Override
    public String userFiles() {
        return "image folders";
    }

    @Override
    public String defaultTransforms() {
        return "to_tensor";
    }

    @Override
    public List<ExampleSource> training(DataSpec spec, JavaSparkContext sc, int partitions) {
        Configuration conf = sc.hadoopConfiguration();
        return spec.trainData().stream().map(root -> (ExampleSource) ImageFolderSource.open(root, spec.imageHeight(),
                spec.imageWidth(), spec.grayscale(), null, conf)).toList();
    }

    @Override
    public List<ExampleSource> test(DataSpec spec, DatasetInfo trained, Configuration conf) {
        return spec.testData().stream().map(root -> (ExampleSource) ImageFolderSource.open(root, trained.height(),
                trained.width(), spec.grayscale(), trained.classes(), conf)).toList();
    }
}
