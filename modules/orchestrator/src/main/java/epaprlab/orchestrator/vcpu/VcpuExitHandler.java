package epaprlab.orchestrator.vcpu;

import epaprlab.machine.api.Vcpu;
import epaprlab.machine.api.VcpuExit;
import epaprlab.machine.device.ByteChannel;
import epaprlab.machine.hcall.HostHypercalls;
import epaprlab.orchestrator.vcpu.ExitAction.EndTurn;
import epaprlab.orchestrator.vcpu.ExitAction.Idle;
import epaprlab.orchestrator.vcpu.ExitAction.KeepRunning;
import epaprlab.orchestrator.vcpu.ExitAction.Report;
import epaprlab.orchestrator.vcpu.ExitAction.Stop;
import epaprlab.orchestrator.vcpu.VcpuReport.EngineFailed;
import epaprlab.orchestrator.vcpu.VcpuReport.GuestCrashed;
import epaprlab.orchestrator.vcpu.VcpuReport.ResetRequested;
import epaprlab.orchestrator.vcpu.VcpuReport.ResultReported;
import epaprlab.orchestrator.vcpu.VcpuReport.ShutdownRequested;
import epaprlab.orchestrator.vcpu.VcpuReport.WatchdogExpired;

/**
 * Maps the exit a {@link Vcpu#run} left in {@link Vcpu#exit()} to an {@link ExitAction}: one
 * total function over {@link epaprlab.machine.api.ExitReason}, with no actor, thread or timer
 * in it, so each exit is tested by filling the exit record and calling {@link #handle}. It touches
 * only the peripherals it is given: the hypercall handler answers in the exit record, and what the
 * guest sent on its console is passed to {@code out} after every hypercall.
 *
 * <p>One per vCPU (it owns a drain buffer); the hot paths (console hypercalls, end of a turn)
 * allocate nothing.
 */
public final class VcpuExitHandler {

    /** Where the console's bytes go ({@code ConsoleSink::write}). */
    @FunctionalInterface
    public interface ConsoleOut {
        void write(byte[] bytes, int offset, int length);
    }

    private final HostHypercalls hypercalls;
    private final ByteChannel console;
    private final ConsoleOut out;
    private final HypercallCounts counts;
    private final byte[] drainBuffer = new byte[256];

    public VcpuExitHandler(HostHypercalls hypercalls, ByteChannel console, ConsoleOut out) {
        this(hypercalls, console, out, new HypercallCounts());
    }

    /** {@code counts} counts every hypercall that exits here, by token. */
    public VcpuExitHandler(HostHypercalls hypercalls, ByteChannel console, ConsoleOut out, HypercallCounts counts) {
        this.hypercalls = hypercalls;
        this.console = console;
        this.out = out;
        this.counts = counts;
    }

    /** What to do after the exit {@code vcpu} is in now. */
    public ExitAction handle(Vcpu vcpu) {
        VcpuExit exit = vcpu.exit();
        int id = vcpu.id();
        return switch (exit.reason()) {
            case INTR -> exit.idle() ? new Idle(exit.idleUntilNanos()) : EndTurn.INSTANCE;
            case EPAPR_HCALL -> onHypercall(id, exit.hcall());
            case WATCHDOG -> new Stop(new WatchdogExpired(id, exit.timeBase()));
            // a board device (GUTS RSTCR, GPIO power-off) asked: the same lifecycle as the hypercalls
            case SYSTEM_EVENT -> new Stop(switch (exit.systemEvent().type()) {
                case RESET -> new ResetRequested(id);
                case SHUTDOWN -> new ShutdownRequested(id);
            });
            case INTERNAL_ERROR -> {
                VcpuExit.InternalError e = exit.internalError();
                yield new Stop(switch (e.suberror()) {
                    case UNHANDLED_INTERRUPT -> new GuestCrashed(id, e.pc(), e.insn(), e.description());
                    case EMULATION -> new EngineFailed(id, e.pc(), e.insn(), e.cause());
                    // the host's failure, never the guest's (lab-snap may give it an event of its own)
                    case HOST_OUT_OF_MEMORY -> new EngineFailed(id, e.pc(), e.insn(), new IllegalStateException(e.description()));
                });
            }
            // never requested, so never expected: a fault of the engine, not of the guest
            case DEBUG -> new Stop(new EngineFailed(id, vcpu.pc(), 0,
                    new IllegalStateException("unexpected KVM_EXIT_DEBUG (no debug facility is enabled)")));
        };
    }

    private ExitAction onHypercall(int id, VcpuExit.Hcall h) {
        counts.count(h.nr());
        HostHypercalls.Action action = hypercalls.handle(h);
        drainConsole();
        return switch (action) {
            case RESUME -> KeepRunning.INSTANCE;
            case RESULT_REPORTED -> new Report(new ResultReported(id, h.arg(0)));
            case RESET_VM -> new Stop(new ResetRequested(id));
            case SHUTDOWN_VM -> new Stop(new ShutdownRequested(id));
        };
    }

    private void drainConsole() {
        int n;
        while ((n = console.hostDrain(drainBuffer, 0, drainBuffer.length)) > 0) out.write(drainBuffer, 0, n);
    }
}
