package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * Restores the class DL4J M2.1 still looks up to decide whether its oneDNN layer helpers may run
 * ({@code BaseMKLDNNHelper.mklDnnEnabled()} reflects on {@code org.nd4j.nativeblas.Nd4jCpu$Environment}).
 * ND4J moved that class to {@code org.nd4j.linalg.cpu.nativecpu.bindings}, so without this the
 * helpers never load. The answer comes from the loaded libnd4j: true only for a oneDNN build.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {
    }

    /** The old name's API as DL4J calls it: {@code getInstance().isUseMKLDNN()}. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();
        private static final String MOVED = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        public boolean isUseMKLDNN() {
            try {
                Class<?> moved = Class.forName(MOVED);
                Object environment = moved.getMethod("getInstance").invoke(null);
                Method useOneDnn = moved.getMethod("isUseONEDNN");
                return (Boolean) useOneDnn.invoke(environment);
            } catch (ReflectiveOperationException | LinkageError e) {
                return false; // not the CPU backend
            }
        }
    }
}
