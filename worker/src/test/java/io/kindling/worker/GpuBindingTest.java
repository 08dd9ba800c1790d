package io.kindling.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GpuBindingTest {
    @Test
    void withoutCudaVisibleDevicesTheAddressIsTheDevice() {
        assertEquals(0, GpuBinding.deviceIndex("0", null, 2));
        assertEquals(1, GpuBinding.deviceIndex(" 1 ", "", 2));
    }

    @Test
    void cudaVisibleDevicesRenumbersTheListedGpus() {
        assertEquals(0, GpuBinding.deviceIndex("2", "2,3", 2));
        assertEquals(1, GpuBinding.deviceIndex("3", "2, 3", 2));
        assertEquals(0, GpuBinding.deviceIndex("5", "5", 1));
    }

    @Test
    void uuidsInCudaVisibleDevicesLeaveContainerLocalIndices() {
        assertEquals(1, GpuBinding.deviceIndex("1", "GPU-8f2a1c3e,GPU-77b0d2aa", 2));
    }

    @Test
    void addressesThatCannotBeBoundAreClearErrors() {
        assertEquals("GPU address 4 from Spark is not in CUDA_VISIBLE_DEVICES=2,3; expected one of [2, 3]",
                assertThrows(IllegalStateException.class, () -> GpuBinding.deviceIndex("4", "2,3", 2)).getMessage());
        assertEquals("GPU address 2 from Spark, but this executor sees 2 CUDA device(s): expected 0..1",
                assertThrows(IllegalStateException.class, () -> GpuBinding.deviceIndex("2", null, 2)).getMessage());
        assertTrue(assertThrows(IllegalStateException.class, () -> GpuBinding.deviceIndex("gpu0", null, 2))
                .getMessage().startsWith("GPU address 'gpu0' from Spark is not a device index"));
    }

    @Test
    void theCpuBackendBindsNothing() {
        assertFalse(GpuBinding.isCudaBackend());
        assertEquals(-1, GpuBinding.bindTaskGpu(), "no task, no CUDA: nothing to bind");
    }
}
