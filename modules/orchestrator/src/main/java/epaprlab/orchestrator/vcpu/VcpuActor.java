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
import epaprlab.machine.board.Board;
import epaprlab.machine.hcall.HostHypercalls;
import epaprlab.orchestrator.console.ConsoleSink;
import epaprlab.orchestrator.vcpu.VcpuReport.EngineFailed;
import epaprlab.orchestrator.vcpu.VcpuReport.GuestCrashed;
import epaprlab.orchestrator.vcpu.VcpuReport.InstructionLimitReached;
import epaprlab.orchestrator.vcpu.VcpuReport.ResetRequested;
import epaprlab.orchestrator.vcpu.VcpuReport.ResultReported;
import epaprlab.orchestrator.vcpu.VcpuReport.ShutdownRequested;
import epaprlab.orchestrator.vcpu.VcpuReport.VcpuStop;
import epaprlab.orchestrator.vcpu.VcpuReport.WatchdogExpired;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one vCPU's exit loop. Each message is one turn: {@code run()} with a bounded budget, the
 * exit handled, and the next turn sent to itself, so thousands of vCPUs share a small dispatcher
 * fairly and control messages (stop) are seen between turns. A secondary vCPU first spins: it
 * looks at its spin-table entry every {@code spinPoll} until the guest releases it.
 */
public final class VcpuActor extends AbstractBehavior<VcpuActor.Command> {

    /** The vCPU actor's protocol. */
    public sealed interface Command {}

    /** Begin (sent once by the supervisor after spawning): run, or spin if this is a secondary. */
    public enum Start implements Command { INSTANCE }

    /** The supervisor could not honour the hypercall that parked this vCPU: r3 = {@code hcallRet}. */
    public record Resume(long hcallRet) implements Command {}

    /** The next turn; a singleton, so the hot self-message allocates nothing. */
    private enum Turn implements Command { INSTANCE }

    /** Everything a vCPU actor needs from its VM. */
    public record Wiring(Board board, Vcpu vcpu, HostHypercalls hypercalls, ConsoleSink consoleSink,
                         ActorRef<VcpuReport> supervisor, long turnInstructions, Duration spinPoll,
                         long instructionLimit) {}

    public static Behavior<Command> create(Wiring wiring) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new VcpuActor(ctx, timers, wiring)));
    }

    private final TimerScheduler<Command> timers;
    private final Wiring w;
    private final Vcpu vcpu;
    private final VcpuExit exit;
    private final byte[] drainBuffer = new byte[256];
    private boolean spinning;
    /** True while the guest waits for an interrupt with no timer armed: no turn is scheduled. */
    private final AtomicBoolean sleeping = new AtomicBoolean();
    /** Set by the engine's wake hook whenever an interrupt is raised for this vCPU. */
    private final AtomicBoolean woken = new AtomicBoolean();

    private VcpuActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, Wiring wiring) {
        super(ctx);
        this.timers = timers;
        this.w = wiring;
        this.vcpu = wiring.vcpu();
        this.exit = vcpu.exit();
        this.spinning = vcpu.id() != 0;
        ActorRef<Command> self = ctx.getSelf();
        // Called from whichever thread raises an interrupt (a host input, another vCPU's msgsnd).
        vcpu.onInterruptRaised(() -> {
            woken.set(true);
            if (sleeping.compareAndSet(true, false)) self.tell(Turn.INSTANCE);
        });
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder().onMessage(Command.class, this::onCommand).build();
    }

    private Behavior<Command> onCommand(Command msg) {
        return switch (msg) {
            case Start _, Turn _ -> spinning ? spin() : runTurn();
            case Resume r -> {              // only legal while parked; a stray one is ignored
                getContext().getLog().warn("vCPU {}: Resume({}) while running ignored", vcpu.id(), r.hcallRet());
                yield this;
            }
        };
    }

    /** A secondary waits on its spin-table entry (ePAPR 5.5.2) without running guest code. */
    private Behavior<Command> spin() {
        if (!w.board().releaseIfRequested(vcpu.id())) {
            timers.startSingleTimer(Turn.INSTANCE, w.spinPoll());
            return this;
        }
        spinning = false;
        return nextTurn();
    }

    /**
     * One turn: runs the vCPU until {@code turnInstructions} are spent. Hypercalls this actor
     * answers itself (console, result) do not end the turn, so a chatty guest is not sent to the
     * back of the dispatcher's queue for every line; everything else does.
     */
    private Behavior<Command> runTurn() {
        woken.set(false);
        long turnStart = vcpu.instructionsRetired();
        try {
            while (true) {
                long limitLeft = w.instructionLimit() - vcpu.instructionsRetired();
                if (limitLeft <= 0) return park(new InstructionLimitReached(vcpu.id(), vcpu.instructionsRetired()));
                long turnLeft = w.turnInstructions() - (vcpu.instructionsRetired() - turnStart);
                if (turnLeft <= 0) return nextTurn();
                switch (vcpu.run(Math.min(turnLeft, limitLeft))) {
                    case INTR -> {
                        return exit.idle() ? idleTurn() : nextTurn();
                    }
                    case EPAPR_HCALL -> {
                        Behavior<Command> next = onHypercall();
                        if (next != null) return next;
                    }
                    case INTERNAL_ERROR -> {
                        VcpuExit.InternalError e = exit.internalError();
                        return park(new GuestCrashed(vcpu.id(), e.pc(), e.insn(), e.description()));
                    }
                    case WATCHDOG -> {
                        return park(new WatchdogExpired(vcpu.id(), exit.timeBase()));
                    }
                    case DEBUG -> {
                        return park(new GuestCrashed(vcpu.id(), vcpu.pc(), 0, "unexpected debug exit"));
                    }
                }
            }
        } catch (RuntimeException | StackOverflowError e) {
            return park(new EngineFailed(vcpu.id(), safePc(), e));
        }
    }

    /** Answers a hypercall; null means "answered here, keep running this turn". */
    private Behavior<Command> onHypercall() {
        HostHypercalls.Action action = w.hypercalls().handle(exit.hcall());
        drainConsole();
        return switch (action) {
            case RESUME -> null;
            case RESULT_REPORTED -> {
                w.supervisor().tell(new ResultReported(vcpu.id(), exit.hcall().arg(0)));
                yield null;
            }
            case RESET_VM -> park(new ResetRequested(vcpu.id()));
            case SHUTDOWN_VM -> park(new ShutdownRequested(vcpu.id()));
        };
    }

    private void drainConsole() {
        int n;
        while ((n = w.board().console().hostDrain(drainBuffer, 0, drainBuffer.length)) > 0) {
            w.consoleSink().write(drainBuffer, 0, n);
        }
    }

    private Behavior<Command> nextTurn() {
        getContext().getSelf().tell(Turn.INSTANCE);
        return this;
    }

    /**
     * The guest waits for an interrupt. With a timer armed in wall-clock time, look again at its
     * deadline; with none, schedule nothing at all: the vCPU uses no CPU until an interrupt is
     * raised for it (the wake hook sends the next turn), or until the supervisor ends the VM.
     */
    private Behavior<Command> idleTurn() {
        long until = exit.idleUntilNanos();
        if (until >= 0) {
            timers.startSingleTimer(Turn.INSTANCE, Duration.ofNanos(Math.max(0, until - System.nanoTime())));
            return this;
        }
        sleeping.set(true);
        // an interrupt raised between the end of run() and here must not be missed
        if (woken.get() && sleeping.compareAndSet(true, false)) return nextTurn();
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
                    vcpu.exit().hcall().setRet(r.hcallRet());
                    return nextTurn();
                })
                .build();
    }

    private long safePc() {
        try {
            return vcpu.pc();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
