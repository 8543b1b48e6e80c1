package epaprlab.ppc.exec;

/**
 * A region translated by {@link RegionCompiler}: the instructions of one 4 KiB page reachable by
 * direct branches from a hot block, as one JVM method with the guest registers it uses in JVM
 * locals. Shared by every CPU of the same model and mode that runs the same words at the same
 * page offsets, whatever the effective or physical page. An abstract class, not an interface:
 * the interpreter's call of {@link #run} sees a different region almost every time, and a
 * virtual call through the vtable costs less than an interface call through the itable.
 */
abstract class Region {
    /** {@link #run}: nothing ran, the first block does not fit before the event boundary. */
    static final int NO_ROOM = 0;
    /**
     * {@link #run}: it ran and left through an instruction that ends a block (run by its handler:
     * the MSR, the TLB or the mapping may have changed) or an interrupt raised by a handler; the
     * next block goes through the dispatcher.
     */
    static final int DISPATCH = 1;
    /**
     * {@link #run}: it ran and left through a branch or a transfer to {@link CpuState#nia}
     * (out of the region, indirect, or stopped at the event boundary or by the attention flag)
     * with nothing else changed: the same page is still mapped the same way, so the interpreter
     * may go on to the region of the next block without the dispatcher ({@link Interpreter}'s
     * chaining), after the checks the dispatcher would make.
     */
    static final int LINKED = 2;
    /**
     * {@link #run}: nothing ran, the block at the entry is no entry of this hot translation
     * ({@link RegionCompiler#defineHot}: one way into each loop); the block needs a region of
     * its own, starting there.
     */
    static final int NOT_ENTERED = 3;

    /**
     * Runs from the entry at page offset {@code entry} (one of the region's block starts) of the
     * page whose effective address is {@code pcBase} and physical address {@code paBase}, with
     * {@link CpuState#nia} preset to the straight-line sentinel. Returns {@link #NO_ROOM} without
     * any effect when the first block does not fit before {@link CpuState#limit}. Otherwise leaves
     * the CPU as the interpreter's block executor does: PC and NIA at the last instruction run,
     * which {@link CpuState#retired} does not count yet, every register written back; and returns
     * how it left ({@link #DISPATCH} or {@link #LINKED}). A {@link GuestFault} (or a handler bug)
     * propagates with PC at the instruction that raised it, the instructions before it counted
     * and the registers written back.
     */
    abstract int run(CpuState s, long pcBase, long paBase, int entry);
}
