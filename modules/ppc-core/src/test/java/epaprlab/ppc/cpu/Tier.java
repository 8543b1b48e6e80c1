package epaprlab.ppc.cpu;

import epaprlab.ppc.mem.GuestMemory;
import epaprlab.ppc.mem.MemoryImage;

/** The engine's execution tiers, as the tier tests select them on a CPU. */
enum Tier {
    INTERPRETER, BLOCKS, REGIONS;

    /**
     * Makes {@code cpu} run in this tier, translating (synchronously, so the test sees the
     * translated code at once) every block that has run {@code threshold} times.
     */
    void select(Cpu cpu, int threshold) {
        cpu.setCompileThreshold(this == INTERPRETER ? 0 : threshold);
        cpu.setCompileSynchronously(true);
        cpu.setRegionTier(this == REGIONS);
    }

    /** A CPU on its own copy-on-write RAM of {@code image}, at PC 0, translating every block at its first run. */
    Cpu boot(CpuModel m, MemoryImage image) {
        Cpu cpu = new Cpu(m, new GuestMemory(image));
        cpu.setPc(0);
        select(cpu, 1);
        return cpu;
    }
}
