package epaprlab.orchestrator.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A lab: named VMs that run in one JVM, at most {@code concurrency} at once. A single VM file is
 * a lab of one.
 */
public record LabConfig(String name, Path source, int concurrency, List<VmConfig> vms) {
    public LabConfig {
        vms = List.copyOf(vms);
        if (concurrency < 1) throw new IllegalArgumentException("lab concurrency must be >= 1, got " + concurrency);
    }
}
