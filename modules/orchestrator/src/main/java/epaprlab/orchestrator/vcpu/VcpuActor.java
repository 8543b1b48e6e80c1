package epaprlab.orchestrator.vcpu;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.board.Machine;
import epaprlab.machine.hcall.HostHypercalls;
import epaprlab.orchestrator.console.ConsoleSink;
import epaprlab.orchestrator.debug.DebugGate;
import epaprlab.orchestrator.vcpu.ExitAction.EndTurn;
import epaprlab.orchestrator.vcpu.ExitAction.Idle;
import epaprlab.orchestrator.vcpu.ExitAction.KeepRunning;
import epaprlab.orchestrator.vcpu.ExitAction.Report;
import epaprlab.orchestrator.vcpu.ExitAction.Stop;
import epaprlab.orchestrator.vcpu.ExitAction.WatchpointHit;
import epaprlab.orchestrator.vcpu.VcpuReport.EngineFailed;
import epaprlab.orchestrator.vcpu.VcpuReport.GuestCrashed;
import epaprlab.orchestrator.vcpu.VcpuReport.InstructionLimitReached;
import epaprlab.orchestrator.vcpu.VcpuReport.ResetRequested;
import epaprlab.orchestrator.vcpu.VcpuReport.ShutdownRequested;
import epaprlab.orchestrator.vcpu.VcpuReport.SnapshotRequested;
import epaprlab.orchestrator.vcpu.VcpuReport.VcpuStop;
import epaprlab.orchestrator.vcpu.VcpuReport.WatchdogExpired;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one vCPU's exit loop. Each message is one turn: {@code run()} with a bounded budget, the
 * exit mapped by {@link VcpuExitHandler} to an {@link ExitAction}, and the next turn sent to
 * itself, so thousands of vCPUs share a small dispatcher fairly and control messages (stop) are
 * seen between turns. A secondary vCPU first spins ({@link #spinning()}): it looks at its
 * spin-table entry every {@code spinPoll} until the guest releases it.
 *
 * <p>With a {@link Baton} (several vCPUs on the instruction time base) the VM's vCPUs take turns
 * instead of running at once: a turn runs guest code only while this vCPU holds the baton, for
 * what is left of its slice, and the end of the slice passes the baton on. A secondary on its spin
 * table then looks at its entry when the baton comes to it, not on a timer.
 */
public final class VcpuActor extends AbstractBehavior<VcpuActor.Command> {

    /** The vCPU actor's protocol. */
    public sealed interface Command {}

    /** Begin (sent once by the supervisor after spawning): run, or spin if this is a secondary. */
    public enum Start implements Command { INSTANCE }

    /**
     * The VM does not honour the reset or shutdown hypercall that parked this vCPU: the guest
     * gets EV_INTERNAL in r3 and continues after its {@code sc 1}. Legal only while parked on one.
     */
    public enum Decline implements Command { INSTANCE }

    /**
     * Stop at the next instruction boundary (between turns) and answer {@link VcpuReport.Paused};
     * run nothing until {@link Resume}. A vCPU that does not run (parked, halted) answers at once.
     */
    public enum Pause implements Command { INSTANCE }

    /** Go on as before the {@link Pause}. */
    public enum Resume implements Command { INSTANCE }

    /**
     * The answer to this vCPU's EPAPRLAB_HC_SNAPSHOT ({@link VcpuReport.SnapshotRequested}): taken
     * (r3 = 0, r4 = 0) or not (it keeps EV_UNIMPLEMENTED); then the guest continues after its call.
     */
    public record SnapshotAnswered(boolean taken) implements Command {}

    /**
     * The machine was put back into a snapshot's state while this vCPU was paused or parked (a
     * reset with {@code on-reset = snapshot}): whatever it waited for is void; it runs again from
     * its restored state as a fresh actor would (a secondary spins first: the board releases one
     * that had left its spin table at once), but without one being spawned.
     */
    public enum Restored implements Command { INSTANCE }

    /** The next turn; a singleton, so the hot self-message allocates nothing. */
    private enum Turn implements Command { INSTANCE }

    /**
     * Everything a vCPU actor needs from its VM. {@code hold}: set while the VM's snapshot is being
     * taken (one per boot, shared by its vCPUs). {@code baton}: the VM's round robin, or null
     * when its vCPUs run at once (one vCPU, or the wall-clock time base).
     */
    public record Wiring(Machine board, Vcpu vcpu, HostHypercalls hypercalls, ConsoleSink consoleSink,
                         ActorRef<VcpuReport> supervisor, long turnInstructions, Duration spinPoll,
                         long instructionLimit, Halt halt, boolean endOnResult, DebugGate gate,
                         HypercallCounts hypercallCounts, boolean snapshotAtHypercall, Hold hold, Baton baton) {}

    /**
     * The VM's "run nothing more until told" for a snapshot (one per boot, shared by its vCPUs):
     * set (from any thread, a console trigger's vCPU thread included) before the vCPUs are kicked
     * and asked to {@link Pause}, so a turn already queued runs no instruction; cleared once the
     * snapshot is taken. Unlike {@link Halt} it is temporary.
     */
    public static final class Hold {
        private final java.util.List<Vcpu> vcpus;
        private volatile boolean set;

        public Hold(java.util.List<Vcpu> vcpus) { this.vcpus = java.util.List.copyOf(vcpus); }

        /** Any thread: every vCPU of this boot stops at its next block boundary and runs nothing until {@link #clear}. */
        public void set() {
            set = true;
            for (Vcpu v : vcpus) v.requestImmediateExit();
        }

        public void clear() { set = false; }

        public boolean isSet() { return set; }
    }

    /**
     * The VM's "stop here" (one per boot, shared by its vCPUs): set when the guest gave the result
     * that ends the VM (the result hypercall, a console line matching a result pattern), on the
     * thread of the vCPU that gave it. Each vCPU then runs no further instruction: the one that
     * gave it stops at that instruction, the others at their next block boundary (the kick). So
     * the instruction count and the console of a one-vCPU VM are the same on every run
     * (with the instruction time base), whatever else the lab runs.
     */
    public static final class Halt {
        private final java.util.List<Vcpu> vcpus;
        private volatile boolean set;

        public Halt(java.util.List<Vcpu> vcpus) { this.vcpus = java.util.List.copyOf(vcpus); }

        /** Any thread: no vCPU of this boot runs again. */
        public void set() {
            set = true;
            for (Vcpu v : vcpus) v.requestImmediateExit();
        }

        public boolean isSet() { return set; }
    }

    public static Behavior<Command> create(Wiring wiring) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            VcpuActor actor = new VcpuActor(ctx, timers, wiring);
            return wiring.vcpu().id() == 0 ? actor : actor.spinning();
        }));
    }

    private final TimerScheduler<Command> timers;
    private final Wiring w;
    private final Vcpu vcpu;
    private final VcpuExitHandler exits;
    /** True while the guest waits for an interrupt with no timer armed: no turn is scheduled. */
    private final AtomicBoolean sleeping = new AtomicBoolean();
    /** True while the idle deadline's timer may still send a turn. */
    private boolean idleTimer;
    /** Set by the engine's wake hook whenever an interrupt is raised for this vCPU. */
    private final AtomicBoolean woken = new AtomicBoolean();
    /** A turn (self-sent, timer or wake-up) arrived while paused: the resume must send it again. */
    private boolean turnMissed;
    /** The VM's round robin, or null. */
    private final Baton baton;
    /** Instructions left of this vCPU's slice while it holds the baton (a full slice otherwise). */
    private long sliceLeft;

    private VcpuActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, Wiring wiring) {
        super(ctx);
        this.timers = timers;
        this.w = wiring;
        this.vcpu = wiring.vcpu();
        this.exits = new VcpuExitHandler(wiring.hypercalls(), wiring.board().console(), wiring.consoleSink()::write,
                wiring.hypercallCounts(), wiring.snapshotAtHypercall());
        ActorRef<Command> self = ctx.getSelf();
        this.baton = wiring.baton();
        if (baton != null) {
            sliceLeft = baton.slice();
            int id = vcpu.id();
            // another vCPU's msgsnd runs while it holds the baton: the sleeper runs in its next slice
            vcpu.onInterruptRaised(() -> baton.wake(id));
            baton.register(id, () -> self.tell(Turn.INSTANCE));
            return;
        }
        // Called from whichever thread raises an interrupt (a host input, another vCPU's msgsnd).
        vcpu.onInterruptRaised(() -> {
            woken.set(true);
            if (sleeping.compareAndSet(true, false)) self.tell(Turn.INSTANCE);
        });
    }

    /** Running (this behaviour): every turn runs the guest. */
    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder().onMessage(Command.class, this::onCommand).build();
    }

    private Behavior<Command> onCommand(Command msg) {
        return switch (msg) {
            case Start _ -> baton == null ? runTurn() : this;     // the baton's first holder gets a turn
            case Turn _ -> runTurn();
            case Pause _ -> paused(this);
            case Resume _ -> Behaviors.same();          // not paused: nothing to resume
            case Decline _, SnapshotAnswered _, Restored _ -> Behaviors.unhandled();    // only legal while parked or paused
        };
    }

    /** Paused at an instruction boundary (answered once on entry); {@code before} is the state to go back to. */
    private Behavior<Command> paused(Behavior<Command> before) {
        w.supervisor().tell(new VcpuReport.Paused(vcpu.id()));
        return Behaviors.receive(Command.class).onMessage(Command.class, msg -> switch (msg) {
            case Turn _, Start _ -> {
                turnMissed = true;
                yield Behaviors.same();
            }
            case Pause _ -> {
                w.supervisor().tell(new VcpuReport.Paused(vcpu.id()));
                yield Behaviors.same();
            }
            case Resume _ -> {
                if (turnMissed) {
                    turnMissed = false;
                    getContext().getSelf().tell(Turn.INSTANCE);
                }
                yield before;
            }
            case Restored _ -> restored();
            case Decline _, SnapshotAnswered _ -> Behaviors.unhandled();
        }).build();
    }

    /** Runs again from the restored state: the first turn now, nothing left of before (timers, missed turns). */
    private Behavior<Command> restored() {
        timers.cancel(Turn.INSTANCE);
        idleTimer = false;
        turnMissed = false;
        sleeping.set(false);
        if (baton != null) sliceLeft = baton.slice();     // the supervisor restarted the baton: vCPU 0 holds it
        getContext().getSelf().tell(Turn.INSTANCE);
        return vcpu.id() == 0 ? this : spinning();
    }

    /** A vCPU that runs nothing (parked, halted) is paused already: it says so and stays as it is. */
    private Behavior<Command> answerPause() {
        w.supervisor().tell(new VcpuReport.Paused(vcpu.id()));
        return Behaviors.same();
    }

    /** A secondary waits on its spin-table entry (ePAPR 5.5.2) without running guest code. */
    private Behavior<Command> spinning() {
        return Behaviors.receive(Command.class).onMessage(Command.class, this::onSpinning).build();
    }

    private Behavior<Command> onSpinning(Command msg) {
        return switch (msg) {
            case Start _, Turn _ -> {
                if (baton != null) yield spinInOrder(msg);
                if (w.board().releaseIfRequested(vcpu.id())) yield nextTurn();   // from now on: running
                timers.startSingleTimer(Turn.INSTANCE, w.spinPoll());
                yield Behaviors.same();
            }
            case Pause _ -> paused(spinning());
            case Resume _ -> Behaviors.same();
            case Decline _, SnapshotAnswered _, Restored _ -> Behaviors.unhandled();
        };
    }

    /** A secondary on its spin table with the baton: released, it runs its slice now; else it passes the baton on. */
    private Behavior<Command> spinInOrder(Command msg) {
        if (msg instanceof Start || !baton.holds(vcpu.id())) return Behaviors.same();
        if (w.board().releaseIfRequested(vcpu.id())) {
            baton.released(vcpu.id());
            return runTurn();                   // from now on: running
        }
        baton.spins(vcpu.id());
        baton.pass(vcpu.id(), Long.MIN_VALUE);       // it has no time of its own yet
        return Behaviors.same();
    }

    /**
     * One turn: runs the vCPU until {@code turnInstructions} are spent. Exits answered in place
     * (console, result) do not end the turn, so a chatty guest is not sent to the back of the
     * dispatcher's queue for every line; everything else does.
     */
    private Behavior<Command> runTurn() {
        if (baton != null && !baton.holds(vcpu.id())) return this;     // not its slice: the baton brings a turn
        DebugGate gate = w.gate();
        if (gate == null) return turn(null);
        ActorRef<Command> self = getContext().getSelf();
        if (!gate.enter(vcpu.id(), () -> self.tell(Turn.INSTANCE))) return this;    // held by the debugger
        try {
            return turn(gate);
        } finally {
            gate.leave();
        }
    }

    private Behavior<Command> turn(DebugGate gate) {
        sleeping.set(false);                    // a timer's turn after a sleep: wakes from now on need no turn
        if (idleTimer) {                        // woken before its deadline: one chain of turns, not two
            timers.cancel(Turn.INSTANCE);
            idleTimer = false;
        }
        woken.set(false);
        long turnStart = vcpu.instructionsRetired();
        try {
            while (true) {
                if (w.halt().isSet()) return halted();
                if (w.hold().isSet()) {          // a snapshot is coming: run nothing; the resume sends the next turn
                    turnMissed = true;
                    return this;
                }
                // executed, not retired: a reset to the snapshot in place rewinds the retired count
                long limitLeft = w.instructionLimit() - vcpu.instructionsExecuted();
                if (limitLeft <= 0) return park(new InstructionLimitReached(vcpu.id(), vcpu.instructionsRetired()));
                long turnLeft = baton != null ? sliceLeft : w.turnInstructions() - (vcpu.instructionsRetired() - turnStart);
                if (turnLeft <= 0) return baton != null ? passBaton() : nextTurn();
                long before = vcpu.instructionsRetired();
                boolean fine = gate != null && gate.fineStepping();
                if (gate != null && gate.isHeld()) return nextTurn();            // the next turn parks
                if (baton != null) {
                    baton.running(vcpu.id());
                    vcpu.setFastForwardLimit(baton.now());     // a wait may catch up with the VM's time, not run ahead of it
                }
                if (gate != null) vcpu.setStopAtVector(fine);     // a breakpoint on a vector is checked before it runs
                vcpu.run(fine ? 1 : Math.min(turnLeft, limitLeft));
                if (baton != null) sliceLeft -= vcpu.instructionsRetired() - before;
                ExitAction action = exits.handle(vcpu);
                // a breakpoint or finished step: the next turn parks (stops go to the supervisor first)
                boolean debugStop = fine && !(action instanceof Stop) && gate.afterStep(vcpu, vcpu.instructionsRetired() != before);
                switch (action) {
                    case KeepRunning _ -> { if (debugStop) return nextTurn(); }
                    case Report r -> {
                        if (w.endOnResult()) w.halt().set();       // before the supervisor can hear of it
                        w.supervisor().tell(r.result());
                        if (debugStop) return nextTurn();
                    }
                    case EndTurn _ -> {             // with the baton: kicked (a stop may wait) or the slice's end
                        if (baton == null || sliceLeft > 0) return nextTurn();
                        return passBaton();
                    }
                    case Idle i -> {
                        if (baton == null) return idleTurn(i.untilNanos());
                        if (baton.sleep(vcpu.id(), vcpu.idleUntilTimeBase())) return passBaton();   // skipped until woken or due
                    }
                    case Stop s -> { return park(s.stop()); }
                    case WatchpointHit hit -> {
                        if (gate == null) {             // only a debugger sets watchpoints: the engine's fault
                            return park(new EngineFailed(vcpu.id(), vcpu.pc(), 0,
                                    new IllegalStateException("KVM_EXIT_DEBUG without a debugger")));
                        }
                        gate.watchpointHit(vcpu.id(), hit.address(), hit.status());
                        return nextTurn();              // the next turn parks
                    }
                }
            }
        } catch (RuntimeException | StackOverflowError e) {
            long pc = safePc();
            return park(new EngineFailed(vcpu.id(), pc, instructionAt(pc), e));
        }
    }

    /** The VM is ending on a result: run nothing more; the supervisor stops us. */
    private Behavior<Command> halted() {
        return stopped();
    }

    /** Runs nothing any more; only a stop ends this (a pause is answered: there is nothing to stop). */
    private Behavior<Command> stopped() {
        return Behaviors.receive(Command.class).onMessage(Command.class, msg -> switch (msg) {
            case Pause _ -> answerPause();
            case Restored _ -> restored();
            case Start _, Turn _, Resume _, Decline _, SnapshotAnswered _ -> Behaviors.same();
        }).build();
    }

    private Behavior<Command> nextTurn() {
        getContext().getSelf().tell(Turn.INSTANCE);
        return this;
    }

    /** The end of this vCPU's slice: the next one in the order runs; this one's next slice is a full one. */
    private Behavior<Command> passBaton() {
        sliceLeft = baton.slice();
        baton.pass(vcpu.id(), vcpu.timeBase());
        return this;
    }

    /**
     * The guest waits for an interrupt. With a timer armed in wall-clock time, look again at its
     * deadline; with none, schedule nothing at all. Either way an interrupt raised for it (the
     * wake hook) sends the next turn at once: a tickless kernel's next timer may be seconds
     * away, and console input must not wait for it. Otherwise the vCPU uses no CPU until then,
     * or until the supervisor ends the VM.
     */
    private Behavior<Command> idleTurn(long untilNanos) {
        if (untilNanos >= 0) {
            timers.startSingleTimer(Turn.INSTANCE, Duration.ofNanos(Math.max(0, untilNanos - System.nanoTime())));
            idleTimer = true;
        }
        sleeping.set(true);
        // an interrupt raised between the end of run() and here must not be missed
        if (woken.get() && sleeping.compareAndSet(true, false)) return nextTurn();
        return this;
    }

    /**
     * Sends exactly one stop and waits for the supervisor: it stops us, or, for a reset or
     * shutdown it does not honour, declines it.
     */
    private Behavior<Command> park(VcpuStop stop) {
        w.supervisor().tell(stop);
        return switch (stop) {
            case ResetRequested _, ShutdownRequested _, SnapshotRequested _ -> parkedOnHypercall();
            case GuestCrashed _, WatchdogExpired _, EngineFailed _, InstructionLimitReached _, VcpuReport.HostOutOfMemory _ ->
                    stopped();                  // nothing is legal any more: only a stop ends this
        };
    }

    private Behavior<Command> parkedOnHypercall() {
        return Behaviors.receive(Command.class).onMessage(Command.class, this::onParkedOnHypercall).build();
    }

    private Behavior<Command> onParkedOnHypercall(Command msg) {
        return switch (msg) {
            case Decline _ -> {
                HostHypercalls.decline(vcpu.exit().hcall());      // r3 = EV_INTERNAL on the next run
                yield nextTurn();
            }
            case SnapshotAnswered a -> {
                if (a.taken()) HostHypercalls.snapshotTaken(vcpu.exit().hcall());   // else EV_UNIMPLEMENTED stays
                yield nextTurn();
            }
            case Pause _ -> answerPause();
            case Resume _ -> Behaviors.same();
            case Restored _ -> restored();
            case Start _, Turn _ -> Behaviors.unhandled();
        };
    }

    /** The word at {@code pc} for a failure report, or 0 when it is not in RAM. */
    private int instructionAt(long pc) {
        var ram = w.board().vm().memory();
        return (pc & 3) == 0 && ram.contains(pc, 4) ? ram.load32(pc) : 0;
    }

    private long safePc() {
        try {
            return vcpu.pc();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
