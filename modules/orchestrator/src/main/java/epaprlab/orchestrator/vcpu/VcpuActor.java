package epaprlab.orchestrator.vcpu;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.api.VcpuExit;
import epaprlab.machine.device.ByteChannel;
import epaprlab.machine.hcall.HostHypercalls;
import epaprlab.orchestrator.console.ConsoleSink;
import epaprlab.orchestrator.vcpu.VcpuReport.EngineFailed;
import epaprlab.orchestrator.vcpu.VcpuReport.GuestCrashed;
import epaprlab.orchestrator.vcpu.VcpuReport.ResetRequested;
import epaprlab.orchestrator.vcpu.VcpuReport.ResultReported;
import epaprlab.orchestrator.vcpu.VcpuReport.ShutdownRequested;
import epaprlab.orchestrator.vcpu.VcpuReport.VcpuStop;
import epaprlab.orchestrator.vcpu.VcpuReport.WatchdogExpired;
import java.time.Duration;

/**
 * Runs one vCPU's exit loop. Each message is one turn: {@code run()} with a bounded budget, the
 * exit handled, and the next turn sent to itself, so thousands of vCPUs share a small dispatcher
 * fairly and control messages (stop) are seen between turns.
 */
public final class VcpuActor extends AbstractBehavior<VcpuActor.Command> {

    /** The vCPU actor's protocol. */
    public sealed interface Command {}

    /** Begin running (sent once by the supervisor after spawning). */
    public enum Start implements Command { INSTANCE }

    /** The supervisor could not honour the hypercall that parked this vCPU: r3 = {@code hcallRet}. */
    public record Resume(long hcallRet) implements Command {}

    /** The next turn; a singleton, so the hot self-message allocates nothing. */
    private enum Turn implements Command { INSTANCE }

    /** Everything a vCPU actor needs from its VM. */
    public record Wiring(Vcpu vcpu, HostHypercalls hypercalls, ByteChannel console, ConsoleSink consoleSink,
                         ActorRef<VcpuReport> supervisor, long turnInstructions, Duration idleWait) {}

    public static Behavior<Command> create(Wiring wiring) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new VcpuActor(ctx, timers, wiring)));
    }

    private final TimerScheduler<Command> timers;
    private final Wiring w;
    private final VcpuExit exit;
    private final byte[] drainBuffer = new byte[256];

    private VcpuActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, Wiring wiring) {
        super(ctx);
        this.timers = timers;
        this.w = wiring;
        this.exit = wiring.vcpu().exit();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder().onMessage(Command.class, this::onCommand).build();
    }

    private Behavior<Command> onCommand(Command msg) {
        return switch (msg) {
            case Start _, Turn _ -> runTurn();
            case Resume r -> {              // only legal while parked; a stray one is ignored
                getContext().getLog().warn("vCPU {}: Resume({}) while running ignored", w.vcpu().id(), r.hcallRet());
                yield this;
            }
        };
    }

    private Behavior<Command> runTurn() {
        try {
            return switch (w.vcpu().run(w.turnInstructions())) {
                case INTR -> exit.idle() ? idleTurn() : nextTurn();
                case EPAPR_HCALL -> onHypercall();
                case INTERNAL_ERROR -> {
                    VcpuExit.InternalError e = exit.internalError();
                    yield park(new GuestCrashed(w.vcpu().id(), e.pc(), e.insn(), e.description()));
                }
                case WATCHDOG -> park(new WatchdogExpired(w.vcpu().id(), exit.timeBase()));
                case DEBUG -> park(new GuestCrashed(w.vcpu().id(), w.vcpu().pc(), 0, "unexpected debug exit"));
            };
        } catch (RuntimeException | StackOverflowError e) {
            return park(new EngineFailed(w.vcpu().id(), safePc(), e));
        }
    }

    private Behavior<Command> onHypercall() {
        HostHypercalls.Action action = w.hypercalls().handle(exit.hcall());
        drainConsole();
        return switch (action) {
            case RESUME -> nextTurn();
            case RESULT_REPORTED -> {
                w.supervisor().tell(new ResultReported(w.vcpu().id(), exit.hcall().arg(0)));
                yield nextTurn();
            }
            case RESET_VM -> park(new ResetRequested(w.vcpu().id()));
            case SHUTDOWN_VM -> park(new ShutdownRequested(w.vcpu().id()));
        };
    }

    private void drainConsole() {
        int n;
        while ((n = w.console().hostDrain(drainBuffer, 0, drainBuffer.length)) > 0) {
            w.consoleSink().write(drainBuffer, 0, n);
        }
    }

    private Behavior<Command> nextTurn() {
        getContext().getSelf().tell(Turn.INSTANCE);
        return this;
    }

    /**
     * The guest waits for an interrupt: look again at its timer deadline (wall-clock time), else
     * after a short wait (a host interrupt or another vCPU's doorbell is seen then).
     */
    private Behavior<Command> idleTurn() {
        long until = exit.idleUntilNanos();
        Duration wait = until < 0 ? w.idleWait() : Duration.ofNanos(Math.max(0, until - System.nanoTime()));
        timers.startSingleTimer(Turn.INSTANCE, wait);
        return this;
    }

    /** Sends exactly one stop and waits for the supervisor: it resumes us or stops us. */
    private Behavior<Command> park(VcpuStop stop) {
        w.supervisor().tell(stop);
        return parked();
    }

    private Behavior<Command> parked() {
        return Behaviors.receive(Command.class)
                .onMessage(Resume.class, r -> {
                    w.vcpu().exit().hcall().setRet(r.hcallRet());
                    return nextTurn();
                })
                .build();
    }

    private long safePc() {
        try {
            return w.vcpu().pc();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
