package epaprlab.ppc.exec;

/**
 * A {@link Block} compiled by {@link BlockCompiler}: its instructions as one JVM method that calls
 * the same handlers with the words as constants, so the JIT can inline them. Shared by every CPU
 * of the same model that runs the same words, whatever the effective or physical address.
 */
interface CompiledBlock {
    /**
     * Runs the block at effective address {@code pc}, whose words are at RAM offset {@code pa}, with {@link CpuState#nia} preset to the straight-line
     * sentinel, exactly as the interpreter would run the whole block (including the instructions
     * before the last added to {@link CpuState#retired} just before the last runs). Returns the index of the
     * last instruction it ran (with PC and NIA describing it), or {@code ~i} when instruction
     * {@code i}'s word no longer matches RAM (at {@code pa + 4i}) and was not run. A {@link GuestFault} (or a handler
     * bug) propagates with PC at the instruction that raised it.
     */
    int run(CpuState s, long pc, long pa);
}
