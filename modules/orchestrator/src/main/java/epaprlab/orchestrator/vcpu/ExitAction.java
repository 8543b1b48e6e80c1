package epaprlab.orchestrator.vcpu;

import epaprlab.orchestrator.vcpu.VcpuReport.ResultReported;
import epaprlab.orchestrator.vcpu.VcpuReport.VcpuStop;

/**
 * What the runner of a vCPU does after one exit, as {@link VcpuExitHandler#handle} decides it
 * (Firecracker's {@code handle_kvm_exit} result). The vCPU actor and {@code bench} both switch over
 * it; neither maps exits itself.
 */
public sealed interface ExitAction {

    /** The exit was answered in place (a console or unknown hypercall): run again in this turn. */
    enum KeepRunning implements ExitAction { INSTANCE }

    /** The run's budget is spent or the vCPU was kicked: let others run, then run again. */
    enum EndTurn implements ExitAction { INSTANCE }

    /**
     * The guest waits for an interrupt: run again at {@code untilNanos} ({@link System#nanoTime()},
     * a wall-clock timer's deadline), or, when it is -1, only once an interrupt is raised for it.
     */
    record Idle(long untilNanos) implements ExitAction {}

    /** The guest reported a test result (answered already): tell the VM, then keep running. */
    record Report(ResultReported result) implements ExitAction {}

    /**
     * A debugger's watchpoint ({@code KVM_EXIT_DEBUG}): the access at {@code address} of the
     * instruction at {@code pc} has completed; {@code status} is KVM's watch bits (4 write, 8 read).
     * The debugger holds the VM.
     */
    record WatchpointHit(long address, int status, long pc) implements ExitAction {}

    /** The vCPU cannot go on by itself: send this one stop to the VM and park. */
    record Stop(VcpuStop stop) implements ExitAction {}
}
