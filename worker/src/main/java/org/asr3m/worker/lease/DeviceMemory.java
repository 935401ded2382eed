package org.asr3m.worker.lease;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * Memory of the devices a worker trains on, for its heartbeat: CUDA devices as CUDA reports them
 * (summed over the worker's GPUs), the CPU as the host's physical memory. Null where it is not known.
 */
record DeviceMemory(Long used, Long max) {
  static final DeviceMemory UNKNOWN = new DeviceMemory(null, null);

  static DeviceMemory of(List<String> devices) {
    long used = 0;
    long max = 0;
    boolean cpu = false;
    for (String d : devices) {
      if (d.isBlank() || d.startsWith("cpu") || !Cuda.PRESENT) {
        cpu = true;
        continue;
      }
      try {
        MemoryUsage m = CudaUtils.getGpuMemory(Device.fromName(d));
        used += m.getUsed();
        max += m.getMax() > 0 ? m.getMax() : m.getCommitted();
      } catch (RuntimeException e) {
        return UNKNOWN; // a device CUDA does not know: say nothing rather than something wrong
      }
    }
    if (cpu && max == 0 && ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      long total = os.getTotalMemorySize();
      return new DeviceMemory(total - os.getFreeMemorySize(), total);
    }
    return max == 0 ? UNKNOWN : new DeviceMemory(used, max);
  }

  /** Whether CUDA is there, asked once (the probe loads native libraries). */
  private static final class Cuda {
    static final boolean PRESENT = CudaUtils.hasCuda();
  }
}
