package epaprlab.machine.api;

import epaprlab.ppc.cpu.CpuModel;

/** What a VM is made of: its core model, RAM size and number of vCPUs. */
public record VmSpec(CpuModel cpu, int ramBytes, int vcpus) {
    public VmSpec {
        if (cpu == null) throw new IllegalArgumentException("cpu model is required");
        if (ramBytes <= 0 || (ramBytes & 0xFFF) != 0) {
            throw new IllegalArgumentException("RAM size must be a positive multiple of 4 KiB, got " + ramBytes);
        }
        if (vcpus < 1) throw new IllegalArgumentException("a VM needs at least one vCPU, got " + vcpus);
    }
}
