package epaprlab.ppc.cpu;

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
}
