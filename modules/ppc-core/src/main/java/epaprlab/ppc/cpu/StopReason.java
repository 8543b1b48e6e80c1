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
}
