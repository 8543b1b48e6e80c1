package epaprlab.machine.api;

import epaprlab.ppc.cpu.Cpu;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.TimeSource;

/**
 * What a VM is made of: its core model, RAM size, number of vCPUs, and what drives the guest
 * time base: retired instructions (reproducible; the default) or the host clock, at
 * {@code timebaseHz} (the device tree's {@code timebase-frequency}).
 */
public record VmSpec(CpuModel cpu, long ramBytes, int vcpus, TimeSource timeSource, long timebaseHz,
                     int compileThreshold) {
    /** Instruction-driven time base at {@link Cpu#DEFAULT_TIMEBASE_HZ}. */
    public VmSpec(CpuModel cpu, long ramBytes, int vcpus) {
        this(cpu, ramBytes, vcpus, TimeSource.INSTRUCTIONS, Cpu.DEFAULT_TIMEBASE_HZ);
    }

    /** The engine's default compile threshold ({@link Cpu#DEFAULT_COMPILE_THRESHOLD}). */
    public VmSpec(CpuModel cpu, long ramBytes, int vcpus, TimeSource timeSource, long timebaseHz) {
        this(cpu, ramBytes, vcpus, timeSource, timebaseHz, Cpu.DEFAULT_COMPILE_THRESHOLD);
    }

    public VmSpec {
        if (timeSource == null) throw new IllegalArgumentException("time source is required");
        if (timebaseHz <= 0) throw new IllegalArgumentException("timebase frequency must be positive, got " + timebaseHz);
        if (cpu == null) throw new IllegalArgumentException("cpu model is required");
        if (ramBytes <= 0 || (ramBytes & 0xFFF) != 0) {
            throw new IllegalArgumentException("RAM size must be a positive multiple of 4 KiB, got " + ramBytes);
        }
        if (vcpus < 1) throw new IllegalArgumentException("a VM needs at least one vCPU, got " + vcpus);
        if (compileThreshold < 0) throw new IllegalArgumentException("compile threshold must be >= 0, got " + compileThreshold);
    }
}
