package epaprlab.orchestrator.debug;

import java.util.List;

/**
 * One vCPU's state where its VM ended, taken while no thread ran it: what a crash report shows.
 *
 * @param where       the PC's nearest ELF symbol ({@code main+0x24}), or {@code ?}
 * @param insn        the instruction word at the PC, or empty when the PC maps to no RAM
 * @param disassembly that word as objdump prints it
 * @param gpr         r0..r31
 * @param sprs        a few SPRs by name (srr0, srr1, esr, dear): where the last interrupt came from
 * @param backtrace   frame #0 is the PC; then return addresses by the back-chain
 * @param branches    the last taken branches and interrupts, oldest first (empty unless
 *                    {@code --trace-branches} or {@code debug.trace-branches})
 */
public record VcpuSnapshot(int vcpu, boolean is64, long pc, String where, java.util.OptionalInt insn, String disassembly,
                           long msr, int cr, long lr, long ctr, long xer, List<Long> gpr, List<Spr> sprs,
                           List<Frame> backtrace, List<Branch> branches, long instructions) {
    public VcpuSnapshot {
        gpr = List.copyOf(gpr);
        sprs = List.copyOf(sprs);
        backtrace = List.copyOf(backtrace);
        branches = List.copyOf(branches);
    }

    /** One named SPR's value. */
    public record Spr(String name, long value) {}

    /**
     * One address of a backtrace or branch trace and its symbol. {@code how} says where it came
     * from: {@code pc}, {@code lr} (the link register, for a leaf function with no frame yet) or
     * {@code chain} (a return address saved in a back-chained stack frame).
     */
    public record Frame(long address, String where, String how) {}

    /** One traced branch (or interrupt): the instruction it left and where it went. */
    public record Branch(long from, String fromWhere, long to, String toWhere) {}
}
