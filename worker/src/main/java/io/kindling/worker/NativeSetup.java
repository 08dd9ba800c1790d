package io.kindling.worker;

/**
 * Chooses ND4J's native build before ND4J loads it, once per JVM (driver and executors).
 *
 * <p>The CPU job jar carries libnd4j built with oneDNN (nd4j-native's {@code -onednn} classifier),
 * whose libraries JavaCPP finds only under the platform extension {@code -onednn}; and DL4J M2.1
 * leaves its oneDNN layer helpers off unless {@code org.eclipse.deeplearning4j.helpers.disable} is
 * false. Both are system properties read at load time, so this runs first: in {@code Main} and in
 * {@link NativeSetupPlugin} on every executor. Values the user set are kept.
 */
public final class NativeSetup {
    static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    static final String HELPERS_DISABLED_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";
    static final String ONEDNN_EXTENSION = "-onednn";
    private static final String ONEDNN_LIBRARY =
            "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64" + ONEDNN_EXTENSION + "/libjnind4jcpu.so";

    private NativeSetup() {
    }

    public static synchronized void apply() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = NativeSetup.class.getClassLoader();
        }
        if (loader.getResource(ONEDNN_LIBRARY) == null) {
            return; // another build (CUDA, or the plain CPU one): DL4J's defaults
        }
        if (System.getProperty(EXTENSION_PROPERTY) == null) {
            System.setProperty(EXTENSION_PROPERTY, ONEDNN_EXTENSION);
        }
        if (System.getProperty(HELPERS_DISABLED_PROPERTY) == null) {
            // A helper is still only used where the loaded library reports oneDNN
            // (org.nd4j.nativeblas.Nd4jCpu.Environment).
            System.setProperty(HELPERS_DISABLED_PROPERTY, "false");
        }
    }
}
