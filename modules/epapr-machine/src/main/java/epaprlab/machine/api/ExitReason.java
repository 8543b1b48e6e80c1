package epaprlab.machine.api;

/**
 * Why {@link Vcpu#run(long)} returned, with the {@code kvm_run.exit_reason} number of each.
 * Mainline numbers are kept; only the ePAPR hypercall exit is project-private (never upstream).
 */
public enum ExitReason {
    /**
     * {@code KVM_EXIT_DEBUG}: a data access hit a watchpoint set with {@link Vcpu#setWatchpoints}
     * (after the accessing instruction); {@link VcpuExit#debug()} says where.
     */
    DEBUG(4),
    /** {@code KVM_EXIT_INTR}: the instruction budget is spent, the vCPU was kicked, or it went idle. */
    INTR(10),
    /**
     * {@code KVM_EXIT_WATCHDOG}: the guest's Book E watchdog reached its final expiry with a
     * TCR[WRC] action; {@link VcpuExit#timeBase()} is the time base then. The host resets or stops.
     */
    WATCHDOG(21),
    /**
     * {@code KVM_EXIT_INTERNAL_ERROR}: the vCPU cannot go on; {@link VcpuExit#internalError()} says
     * why: the guest raised an interrupt it has no handler for, or the engine itself failed
     * ({@link VcpuExit.InternalError.Suberror}).
     */
    INTERNAL_ERROR(17),
    /**
     * {@code KVM_EXIT_SYSTEM_EVENT}: a device of the board asked for a reset or a power-off (GUTS
     * RSTCR, the GPIO power-off line); {@link VcpuExit#systemEvent()} says which and from where.
     * The writing instruction has completed; the host resets or stops the VM.
     */
    SYSTEM_EVENT(24),
    /** {@code KVM_EXIT_EPAPR_HCALL}: a hypercall for the host; answer in {@link VcpuExit.Hcall}. */
    EPAPR_HCALL(4096);

    private final int kvmNumber;

    ExitReason(int kvmNumber) { this.kvmNumber = kvmNumber; }

    public int kvmNumber() { return kvmNumber; }
}
