package io.kindling.datasets.testing;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One real local[2] Spark context per test JVM, created on first use. Tests that start their own
 * context (the CLI does) call {@link #stop()} first; the next {@link #context()} starts a new one.
 */
public final class LocalSpark {
    private static JavaSparkContext sc;

    private LocalSpark() {
    }

    public static synchronized JavaSparkContext context() {
        if (sc == null || sc.sc().isStopped()) {
            SparkConf conf = new SparkConf()
                    .setMaster("local[2]")
                    .setAppName("kindling-tests")
                    .set("spark.ui.enabled", "false")
                    .set("spark.ui.showConsoleProgress", "false")
                    .set("spark.driver.host", "127.0.0.1");
            sc = new JavaSparkContext(conf);
        }
        return sc;
    }

    public static synchronized void stop() {
        if (sc != null) {
            sc.stop();
            sc = null;
        }
    }
}
