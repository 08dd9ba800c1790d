package io.kindling.datasets.testing;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One real local[2] Spark context per test JVM, created on first use. Tests that start their own
 * context (the CLI does) call {@link #stop()} first; the next {@link #context()} starts a new one.
 * A test that needs more task slots asks for them ({@link #context(int)}); the next test asking
 * for the usual two gets a local[2] again.
 */
public final class LocalSpark {
    private static JavaSparkContext sc;
    private static int slots;
    private static boolean strictPins;
    private static Map<String, String> extra = Map.of();

    private LocalSpark() {
    }

    public static JavaSparkContext context() {
        return context(2);
    }

    /** A local[{@code n}] context: {@code n} task slots. */
    public static synchronized JavaSparkContext context(int n) {
        return context(n, true, Map.of());
    }

    /** A local[{@code n}] context with {@code settings} besides the usual ones. */
    public static synchronized JavaSparkContext context(int n, Map<String, String> settings) {
        return context(n, true, settings);
    }

    /**
     * A local[2] context for tests that run Spark ML's own estimators on cached rows (CrossValidator
     * caches its folds): some of them (StringIndexer) leave a cached block pinned until their task ends,
     * which Spark then releases, and which the strict check of Kindling's own reads would fail.
     */
    public static synchronized JavaSparkContext forSparkMl() {
        return context(2, false, Map.of());
    }

    private static synchronized JavaSparkContext context(int n, boolean strict, Map<String, String> settings) {
        if (sc != null && (slots != n || strictPins != strict || !extra.equals(settings))) {
            stop();
        }
        if (sc == null || sc.sc().isStopped()) {
            slots = n;
            strictPins = strict;
            extra = Map.copyOf(settings);
            SparkConf conf = new SparkConf()
                    .setMaster("local[" + n + "]")
                    .setAppName("kindling-tests")
                    .set("spark.ui.enabled", "false")
                    .set("spark.ui.showConsoleProgress", "false")
                    .set("spark.driver.host", "127.0.0.1")
                    .set("spark.storage.exceptionOnPinLeak", String.valueOf(strict)) // a block read, never released
                    .set("spark.sql.warehouse.dir", warehouse()); // catalog tables of tests: not in the module
            settings.forEach(conf::set);
            sc = new JavaSparkContext(conf);
        }
        return sc;
    }

    private static String warehouse() {
        return TempDirs.untilExit("kindling-warehouse").toUri().toString();
    }

    public static synchronized void stop() {
        if (sc != null) {
            sc.stop();
            sc = null;
        }
    }
}
