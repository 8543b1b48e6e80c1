package epaprlab.orchestrator.vcpu;

/**
 * What a vCPU actor tells its VM supervisor. A {@link VcpuStop} means the vCPU has parked;
 * exactly one is sent per stop. It runs again only if the supervisor declines a
 * {@link ResetRequested} or {@link ShutdownRequested} ({@link VcpuActor.Decline}); otherwise the
 * supervisor stops it.
 */
public sealed interface VcpuReport {
    int vcpu();

    /** The guest reported a test result (epapr-lab's result hypercall); the vCPU keeps running. */
    record ResultReported(int vcpu, long code) implements VcpuReport {}

    /** The vCPU has paused at an instruction boundary (its answer to {@link VcpuActor.Pause}). */
    record Paused(int vcpu) implements VcpuReport {}

    /** The vCPU stopped and waits for the supervisor's decision. */
    sealed interface VcpuStop extends VcpuReport {}

    /** The guest called an enabled KVM_HC_VM_RESET. */
    record ResetRequested(int vcpu) implements VcpuStop {}

    /** The guest called an enabled KVM_HC_VM_SHUTDOWN. */
    record ShutdownRequested(int vcpu) implements VcpuStop {}

    /**
     * The guest called EPAPRLAB_HC_SNAPSHOT in a VM that takes snapshots at the hypercall; the vCPU
     * waits for {@link VcpuActor.SnapshotAnswered}.
     */
    record SnapshotRequested(int vcpu) implements VcpuStop {}

    /** The guest cannot go on: an interrupt it installed no handler for. */
    record GuestCrashed(int vcpu, long pc, int insn, String why) implements VcpuStop {}

    /** The guest's watchdog reached its final expiry (KVM_EXIT_WATCHDOG) at time base {@code timebase}. */
    record WatchdogExpired(int vcpu, long timebase) implements VcpuStop {}

    /**
     * The engine threw (a bug in epapr-lab, contained to this VM) while the vCPU was at {@code pc}
     * with instruction word {@code insn} there (0 when it cannot be read).
     */
    record EngineFailed(int vcpu, long pc, int insn, Throwable cause) implements VcpuStop {}


    /**
     * The host's memory, not the guest: a store at {@code pc} needed a page of guest RAM that the
     * VM's page budget (the lab's heap pool) refused; nothing was written.
     */
    record HostOutOfMemory(int vcpu, long pc, int insn, String why) implements VcpuStop {}

    /** The vCPU executed the instructions the VM had left under {@code limits.max-instructions}. */
    record InstructionLimitReached(int vcpu, long executed) implements VcpuStop {}
}
