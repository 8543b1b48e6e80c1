package epaprlab.ppc.cpu;

/** Why {@link Cpu#run(long)} returned. The details of the stop are read from the {@link Cpu}. */
public enum StopReason {
    /** The instruction budget of this call is spent. */
    BUDGET,
    /** {@link Cpu#requestStop()} was called (by another thread or before the call). */
    KICKED,
    /**
     * The guest executed {@code sc 1} (LEV=1) in supervisor state. PC already points at the
     * instruction after it; the registers are untouched. The host answers in r3..r11 and calls
     * {@code run} again.
     */
    HYPERCALL,
    /**
     * An interrupt had to be delivered but the guest never installed its vector (the IVOR was
     * not written since reset). Nothing was changed: PC is the faulting instruction.
     * {@link Cpu#stopInterrupt()}, {@link Cpu#stopPc()}, {@link Cpu#stopInsn()} and
     * {@link Cpu#stopDetail()} describe it.
     */
    UNHANDLED_INTERRUPT,
    /**
     * The CPU waits ({@code wait} or {@link Cpu#enterWait()}) and no interrupt can
     * become deliverable by executing: nothing is pending, and in instruction time no timer is
     * armed (an armed one is fast-forwarded to instead). The host should call {@code run} again
     * after raising an interrupt, a kick, or (wall-clock time) at {@link Cpu#idleUntilNanos()}.
     * PC is the instruction after the wait; the next {@code run} delivers what became pending.
     */
    IDLE,
    /**
     * The watchdog expired for the third time with TCR[WRC] non-zero; TSR[WRS] holds WRC.
     * {@link Cpu#watchdogTimeBase()} is the time base then. The host decides (reset the VM).
     */
    WATCHDOG,
    /**
     * The engine failed: a Java exception was thrown while executing the instruction at
     * {@link Cpu#stopPc()} (word {@link Cpu#stopInsn()}), a bug in epapr-lab, not the guest's doing.
     * Nothing was delivered to the guest; the instruction is not counted and may have been
     * partly executed, so the CPU should not be run again. {@link Cpu#engineError()} is the
     * exception, {@link Cpu#stopDetail()} names it.
     */
    ENGINE_ERROR,
    /**
     * A data access overlapped a {@link Watchpoint} set with {@link Cpu#setWatchpoints}. The
     * accessing instruction has completed and is counted; PC is the next instruction.
     * {@link Cpu#stopPc()} is the accessing instruction, {@link Cpu#watchpointHit()} the
     * watchpoint and {@link Cpu#watchpointAddress()} the first watched byte it touched.
     */
    WATCHPOINT,
    /**
     * The host refused guest RAM: a store needed a page of its own (copy-on-write or first
     * write) and the memory's {@link epaprlab.ppc.mem.PageBudget} had no room. The host's
     * failure, not the guest's: nothing was written, the instruction at {@link Cpu#stopPc()} (word
     * {@link Cpu#stopInsn()}) is not counted and runs again on the next {@code run}, which
     * succeeds once the budget has room.
     */
    HOST_OUT_OF_MEMORY,
}
