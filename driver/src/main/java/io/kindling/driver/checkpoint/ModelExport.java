package io.kindling.driver.checkpoint;

import io.kindling.datasets.HadoopFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The two ways PyTorch users save a model: the whole model ({@code torch.save(model)}: here a DL4J
 * zip with configuration and parameters, loadable with {@code MultiLayerNetwork.load}) and the
 * parameters only ({@code torch.save(model.state_dict())}: here an {@code .npz}, one {@code .npy}
 * array per DL4J parameter key such as {@code 0_W}, which {@code numpy.load} reads).
 */
public final class ModelExport {
    private ModelExport() {
    }

    /** The whole model, with the data description and transforms of its training (see ModelWriter). */
    public static void wholeModel(MultiLayerNetwork net, ModelWriter.Metadata metadata, String uri, Configuration conf) {
        ModelWriter.save(net, false, metadata, uri, conf);
    }

    public static void parameters(MultiLayerNetwork net, String uri, Configuration conf) throws IOException {
        HadoopFiles.writeAtomically(new Path(uri), conf, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, INDArray> p : net.paramTable().entrySet()) {
                ByteArrayOutputStream npy = new ByteArrayOutputStream();
                Nd4j.writeAsNumpy(p.getValue().dup('c'), npy);
                zip.putNextEntry(new ZipEntry(p.getKey() + ".npy"));
                zip.write(npy.toByteArray());
                zip.closeEntry();
            }
            zip.finish();
        });
    }
}
