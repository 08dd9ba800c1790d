package io.kindling.driver.cli;

import io.kindling.worker.NativeSetupPlugin;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** The Spark context of a command: the given master, else spark-submit's, else local[*]. */
public final class SparkContexts {
    private SparkContexts() {
    }

    public static JavaSparkContext create(String master, String appName) {
        SparkConf conf = new SparkConf().setAppName(appName);
        if (master != null) {
            conf.setMaster(master);
        } else {
            conf.setIfMissing("spark.master", "local[*]");
        }
        // Executors choose ND4J's native build at start-up, before a task loads it.
        String plugins = conf.get("spark.plugins", "");
        if (!plugins.contains(NativeSetupPlugin.class.getName())) {
            conf.set("spark.plugins", plugins.isEmpty() ? NativeSetupPlugin.class.getName()
                    : plugins + "," + NativeSetupPlugin.class.getName());
        }
        // Every round broadcasts the model and collects one per worker (14 MB each for the MNIST CNN
        // with Adadelta). Float arrays barely compress, so LZ4 only costs time; and results that fit
        // an RPC message go straight to the driver instead of through the block manager.
        conf.setIfMissing("spark.broadcast.compress", "false");
        conf.setIfMissing("spark.task.maxDirectResultSize", "128m");
        String resolved = conf.get("spark.master");
        if (resolved.equals("local") || resolved.startsWith("local[")) {
            // Rounds hand the model over in memory here, which leaves Spark's own broadcasts (every
            // job's task binary) as the large allocations: their default 4 MB pieces are G1 humongous
            // objects and set off a young collection every few rounds.
            conf.setIfMissing("spark.broadcast.blockSize", "512k");
        }
        // Spark's console progress bar would interleave with the training lines.
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        if (!conf.get("spark.master").startsWith("local") && !conf.contains("spark.jars")) {
            // Launched with `java -cp` rather than spark-submit: ship our own jar to the executors.
            String jar = jobJar();
            if (jar != null) {
                conf.set("spark.jars", jar);
            }
        }
        // Through a session, so that tables (Spark SQL) find it as the default session later on.
        return JavaSparkContext.fromSparkContext(SparkSession.builder().config(conf).getOrCreate().sparkContext());
    }

    private static String jobJar() {
        try {
            Path location = Path.of(SparkContexts.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return location.toString().endsWith(".jar") ? location.toString() : null;
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return null;
        }
    }
}
