package io.kindling.worker;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Binds the thread running a Spark task to the GPU Spark assigned to that task
 * ({@code spark.task.resource.gpu.amount}), on the CUDA backend; on the CPU backend, or without a GPU
 * resource, it does nothing. ND4J binds devices per thread and Spark reuses task threads, so every
 * task binds again.
 */
public final class GpuBinding {
    private GpuBinding() {
    }

    /** Binds the current task's GPU and returns its CUDA device index, or -1 when there is none to bind. */
    public static int bindTaskGpu() {
        TaskContext task = TaskContext.get();
        if (task == null || !isCudaBackend()) {
            return -1;
        }
        ResourceInformation gpu = task.resourcesJMap().get("gpu");
        if (gpu == null || gpu.addresses().length == 0) {
            return -1;
        }
        int devices = Nd4j.getAffinityManager().getNumberOfDevices();
        int device = deviceIndex(gpu.addresses()[0], System.getenv("CUDA_VISIBLE_DEVICES"), devices);
        Nd4j.getAffinityManager().unsafeSetDevice(device);
        return device;
    }

    static boolean isCudaBackend() {
        return Nd4j.getBackend().getClass().getName().toLowerCase(java.util.Locale.ROOT).contains("cuda");
    }

    /**
     * The CUDA device index of a Spark GPU address. Addresses are what the discovery script printed:
     * nvidia-smi indices of the node's GPUs. CUDA numbers only the devices in CUDA_VISIBLE_DEVICES, in
     * that order, so a listed address maps to its position in the list; without the variable (or
     * with GPU UUIDs in it, as container runtimes set) addresses are taken as CUDA indices already.
     *
     * @param deviceCount the CUDA devices this process sees
     */
    static int deviceIndex(String address, String cudaVisibleDevices, int deviceCount) {
        int index;
        try {
            index = Integer.parseInt(address.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("GPU address '" + address + "' from Spark is not a device index;"
                    + " expected the discovery script's nvidia-smi indices such as \"0\"");
        }
        if (cudaVisibleDevices != null && !cudaVisibleDevices.isBlank()) {
            List<String> visible = Arrays.stream(cudaVisibleDevices.split(",")).map(String::trim).toList();
            if (visible.stream().allMatch(v -> v.matches("\\d+"))) {
                int position = visible.indexOf(String.valueOf(index));
                if (position < 0) {
                    throw new IllegalStateException("GPU address " + index + " from Spark is not in CUDA_VISIBLE_DEVICES="
                            + cudaVisibleDevices + "; expected one of " + visible);
                }
                return position;
            }
        }
        if (index < 0 || index >= deviceCount) {
            throw new IllegalStateException("GPU address " + index + " from Spark, but this executor sees "
                    + deviceCount + " CUDA device(s): expected 0.." + (deviceCount - 1));
        }
        return index;
    }
}
