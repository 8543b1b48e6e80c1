package epaprlab.orchestrator.config;

import java.nio.file.Path;
import java.util.List;

/** A lab: named VMs that run together in one JVM. A single VM file is a lab of one. */
public record LabConfig(String name, Path source, List<VmConfig> vms) {
    public LabConfig {
        vms = List.copyOf(vms);
    }
}
