package epaprlab.ppc.exec;

/**
 * A region translated by {@link RegionCompiler}: the instructions of one 4 KiB page reachable by
 * direct branches from a hot block, as one JVM method with the guest registers it uses in JVM
 * locals. Shared by every CPU of the same model and mode that runs the same words at the same
 * page offsets, whatever the effective or physical page.
 */
interface Region {
    /**
     * Runs from the entry at page offset {@code entry} (one of the region's block starts) of the
     * page whose effective address is {@code pcBase} and physical address {@code paBase}, with {@link CpuState#nia} preset to the
     * straight-line sentinel. Returns false without any effect when the first block does not fit
     * before {@link CpuState#limit}. Otherwise leaves the CPU as the interpreter's block executor
     * does: PC and NIA at the last instruction run, which {@link CpuState#retired} does not count
     * yet, every register written back. A {@link GuestFault} (or a handler bug) propagates with PC
     * at the instruction that raised it, the instructions before it counted and the registers
     * written back.
     */
    boolean run(CpuState s, long pcBase, long paBase, int entry);
}
