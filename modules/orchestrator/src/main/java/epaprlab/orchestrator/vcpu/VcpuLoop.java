package epaprlab.orchestrator.vcpu;

import epaprlab.machine.api.Vcpu;
import epaprlab.machine.hcall.HostHypercalls;
import epaprlab.orchestrator.debug.DebugGate;
import epaprlab.orchestrator.vcpu.ExitAction.EndTurn;
import epaprlab.orchestrator.vcpu.ExitAction.Idle;
import epaprlab.orchestrator.vcpu.ExitAction.KeepRunning;
import epaprlab.orchestrator.vcpu.ExitAction.Report;
import epaprlab.orchestrator.vcpu.ExitAction.Stop;
import epaprlab.orchestrator.vcpu.ExitAction.WatchpointHit;
import epaprlab.orchestrator.vcpu.VcpuActor.Command;
import epaprlab.orchestrator.vcpu.VcpuActor.Decline;
import epaprlab.orchestrator.vcpu.VcpuActor.Pause;
import epaprlab.orchestrator.vcpu.VcpuActor.Restored;
import epaprlab.orchestrator.vcpu.VcpuActor.Resume;
import epaprlab.orchestrator.vcpu.VcpuActor.SnapshotAnswered;
import epaprlab.orchestrator.vcpu.VcpuActor.Start;
import epaprlab.orchestrator.vcpu.VcpuActor.Turn;
import epaprlab.orchestrator.vcpu.VcpuActor.Wiring;
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
 * One vCPU's exit loop: an explicit state machine fed one {@link VcpuActor.Command} at a time,
 * each state handling its commands in its own method. It runs in the mailbox its {@link Driver}
 * gives it: its own {@link VcpuActor} in a VM of several vCPUs, or, in a VM of one vCPU, the VM's
 * supervisor itself (one actor per VM: nothing is spawned, watched or stopped per start).
 *
 * <p>Each {@link #TURN} runs {@code run()} with a bounded budget, the exit mapped by
 * {@link VcpuExitHandler} to an {@link ExitAction}, and the next turn goes back through the
 * mailbox, so thousands of vCPUs share a small dispatcher fairly and control messages (pause,
 * stop) are seen between turns. A secondary vCPU first spins ({@link State#SPINNING}): it looks at
 * its spin-table entry every {@code spinPoll} until the guest releases it.
 *
 * <p>With a {@link Baton} (several vCPUs on the instruction time base) the VM's vCPUs take turns
 * instead of running at once: a turn runs guest code only while this vCPU holds the baton, for
 * what is left of its slice, and the end of the slice passes the baton on. A secondary on its spin
 * table then looks at its entry when the baton comes to it, not on a timer.
 */
public final class VcpuLoop {

    /** The loop's next turn; only its driver's mailbox carries it (a singleton: the hot self-message allocates nothing). */
    public static final Command TURN = Turn.INSTANCE;

    /** Where the loop runs: its mailbox and its one timer. Everything but {@link #sendTurn} is called on the loop's own thread. */
    public interface Driver {
        /** Any thread: {@link #TURN} to this loop through its mailbox. */
        void sendTurn();

        /** {@link #TURN} after {@code delay} (replaces one still pending). */
        void turnAfter(Duration delay);

        /** Cancels a pending {@link #turnAfter}. */
        void cancelTurnTimer();

        /** {@code report} to the VM's supervisor, in order with the loop's other reports. */
        void report(VcpuReport report);
    }

    /** Which commands are legal: the vCPU's state. */
    private enum State {
        /** Every turn runs the guest. */
        RUNNING,
        /** A secondary on its spin-table entry (ePAPR 5.5.2), running no guest code. */
        SPINNING,
        /** At an instruction boundary for the supervisor (a snapshot, a reset in place), answered once on entry. */
        PAUSED,
        /** On a reset, shutdown or snapshot hypercall until the supervisor decides. */
        PARKED_ON_HYPERCALL,
        /** Runs nothing any more (halted, crashed, at its limit); a pause is answered, a restore runs it again. */
        STOPPED,
        /** Stopped for good by its supervisor (the end of its boot): nothing is legal. */
        ENDED
    }

    private final Wiring w;
    private final Driver driver;
    private final Vcpu vcpu;
    private final VcpuExitHandler exits;
    /** {@link Driver#sendTurn}, made once: a debugger's release wakes the loop with it. */
    private final Runnable sendTurn;
    private State state;
    /** The state a {@link State#PAUSED} vCPU goes back to. */
    private State beforePause;
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

    public VcpuLoop(Wiring wiring, Driver driver) {
        this.w = wiring;
        this.driver = driver;
        this.vcpu = wiring.vcpu();
        this.sendTurn = driver::sendTurn;
        this.exits = new VcpuExitHandler(wiring.hypercalls(), wiring.board().console(), wiring.consoleSink()::write,
                wiring.hypercallCounts(), wiring.snapshotAtHypercall());
        this.state = vcpu.id() == 0 ? State.RUNNING : State.SPINNING;
        this.baton = wiring.baton();
        if (baton != null) {
            sliceLeft = baton.slice();
            int id = vcpu.id();
            // another vCPU's msgsnd runs while it holds the baton: the sleeper runs in its next slice
            vcpu.onInterruptRaised(() -> baton.wake(id));
            baton.register(id, sendTurn);
            return;
        }
        // Called from whichever thread raises an interrupt (a host input, another vCPU's msgsnd).
        vcpu.onInterruptRaised(() -> {
            woken.set(true);
            if (sleeping.compareAndSet(true, false)) driver.sendTurn();
        });
    }

    /** One command from the loop's mailbox. */
    public void handle(Command msg) {
        switch (state) {
            case RUNNING -> onRunning(msg);
            case SPINNING -> onSpinning(msg);
            case PAUSED -> onPaused(msg);
            case PARKED_ON_HYPERCALL -> onParkedOnHypercall(msg);
            case STOPPED -> onStopped(msg);
            case ENDED -> { }                   // stopped by its supervisor: whatever was still queued is void
        }
    }

    /**
     * The supervisor stops this loop for good (between commands: it runs on the supervisor's
     * mailbox or has terminated, so no turn is under way). Its queued turns are dropped.
     */
    public void end() {
        state = State.ENDED;
        driver.cancelTurnTimer();
    }

    private void onRunning(Command msg) {
        switch (msg) {
            case Start _ -> { if (baton == null) runTurn(); }     // the baton's first holder gets a turn
            case Turn _ -> runTurn();
            case Pause _ -> pause(State.RUNNING);
            case Resume _ -> { }                    // not paused: nothing to resume
            case Decline _, SnapshotAnswered _, Restored _ -> { }   // only legal while parked or paused
        }
    }

    /** Paused at an instruction boundary: answered once on entry; {@code before} is the state to go back to. */
    private void pause(State before) {
        driver.report(new VcpuReport.Paused(vcpu.id()));
        beforePause = before;
        state = State.PAUSED;
    }

    private void onPaused(Command msg) {
        switch (msg) {
            case Turn _, Start _ -> turnMissed = true;
            case Pause _ -> driver.report(new VcpuReport.Paused(vcpu.id()));
            case Resume _ -> {
                if (turnMissed) {
                    turnMissed = false;
                    driver.sendTurn();
                }
                state = beforePause;
            }
            case Restored _ -> restored();
            case Decline _, SnapshotAnswered _ -> { }
        }
    }

    /** Runs again from the restored state: the first turn now, nothing left of before (timers, missed turns). */
    private void restored() {
        driver.cancelTurnTimer();
        idleTimer = false;
        turnMissed = false;
        sleeping.set(false);
        if (baton != null) sliceLeft = baton.slice();     // the supervisor restarted the baton: vCPU 0 holds it
        driver.sendTurn();
        state = vcpu.id() == 0 ? State.RUNNING : State.SPINNING;
    }

    /** A vCPU that runs nothing (parked, halted) is paused already: it says so and stays as it is. */
    private void answerPause() {
        driver.report(new VcpuReport.Paused(vcpu.id()));
    }

    private void onSpinning(Command msg) {
        switch (msg) {
            case Start _, Turn _ -> {
                if (baton != null) {
                    spinInOrder(msg);
                } else if (w.board().releaseIfRequested(vcpu.id())) {
                    state = State.RUNNING;          // from now on: running
                    driver.sendTurn();
                } else {
                    driver.turnAfter(w.spinPoll());
                }
            }
            case Pause _ -> pause(State.SPINNING);
            case Resume _ -> { }
            case Decline _, SnapshotAnswered _, Restored _ -> { }
        }
    }

    /** A secondary on its spin table with the baton: released, it runs its slice now; else it passes the baton on. */
    private void spinInOrder(Command msg) {
        if (msg instanceof Start || !baton.holds(vcpu.id())) return;
        if (w.board().releaseIfRequested(vcpu.id())) {
            baton.released(vcpu.id());
            state = State.RUNNING;                  // from now on: running
            runTurn();
            return;
        }
        baton.spins(vcpu.id());
        baton.pass(vcpu.id(), Long.MIN_VALUE);       // it has no time of its own yet
    }

    /**
     * One turn: runs the vCPU until {@code turnInstructions} are spent. Exits answered in place
     * (console, result) do not end the turn, so a chatty guest is not sent to the back of the
     * dispatcher's queue for every line; everything else does.
     */
    private void runTurn() {
        if (baton != null && !baton.holds(vcpu.id())) return;     // not its slice: the baton brings a turn
        DebugGate gate = w.gate();
        if (gate == null) {
            turn(null);
            return;
        }
        if (!gate.enter(vcpu.id(), sendTurn)) return;    // held by the debugger
        try {
            turn(gate);
        } finally {
            gate.leave();
        }
    }

    private void turn(DebugGate gate) {
        sleeping.set(false);                    // a timer's turn after a sleep: wakes from now on need no turn
        if (idleTimer) {                        // woken before its deadline: one chain of turns, not two
            driver.cancelTurnTimer();
            idleTimer = false;
        }
        woken.set(false);
        long turnStart = vcpu.instructionsRetired();
        try {
            while (true) {
                if (w.halt().isSet()) {         // the VM is ending on a result: run nothing more; the supervisor stops us
                    state = State.STOPPED;
                    return;
                }
                if (w.hold().isSet()) {          // a snapshot is coming: run nothing; the resume sends the next turn
                    turnMissed = true;
                    return;
                }
                // executed, not retired: a reset to the snapshot in place rewinds the retired count
                long limitLeft = w.instructionLimit() - vcpu.instructionsExecuted();
                if (limitLeft <= 0) {
                    park(new InstructionLimitReached(vcpu.id(), vcpu.instructionsRetired()));
                    return;
                }
                long turnLeft = baton != null ? sliceLeft : w.turnInstructions() - (vcpu.instructionsRetired() - turnStart);
                if (turnLeft <= 0) {
                    endTurn();
                    return;
                }
                long before = vcpu.instructionsRetired();
                boolean fine = gate != null && gate.fineStepping();
                if (gate != null && gate.isHeld()) {            // the next turn parks
                    driver.sendTurn();
                    return;
                }
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
                    case KeepRunning _ -> {
                        if (debugStop) {
                            driver.sendTurn();
                            return;
                        }
                    }
                    case Report r -> {
                        if (w.endOnResult()) w.halt().set();       // before the supervisor can hear of it
                        driver.report(r.result());
                        if (debugStop) {
                            driver.sendTurn();
                            return;
                        }
                    }
                    case EndTurn _ -> {             // with the baton: kicked (a stop may wait) or the slice's end
                        if (baton == null || sliceLeft > 0) driver.sendTurn();
                        else passBaton();
                        return;
                    }
                    case Idle i -> {
                        if (baton == null) {
                            idleTurn(i.untilNanos());
                            return;
                        }
                        if (baton.sleep(vcpu.id(), vcpu.idleUntilTimeBase())) {    // skipped until woken or due
                            passBaton();
                            return;
                        }
                    }
                    case Stop s -> {
                        park(s.stop());
                        return;
                    }
                    case WatchpointHit hit -> {
                        if (gate == null) {             // only a debugger sets watchpoints: the engine's fault
                            park(new EngineFailed(vcpu.id(), vcpu.pc(), 0,
                                    new IllegalStateException("KVM_EXIT_DEBUG without a debugger")));
                            return;
                        }
                        gate.watchpointHit(vcpu.id(), hit.address(), hit.status());
                        driver.sendTurn();              // the next turn parks
                        return;
                    }
                }
            }
        } catch (RuntimeException | StackOverflowError e) {
            long pc = safePc();
            park(new EngineFailed(vcpu.id(), pc, instructionAt(pc), e));
        }
    }

    /** The turn's budget is spent: the next turn, or with the baton the next vCPU's slice. */
    private void endTurn() {
        if (baton != null) passBaton();
        else driver.sendTurn();
    }

    private void onStopped(Command msg) {
        switch (msg) {
            case Pause _ -> answerPause();
            case Restored _ -> restored();
            case Start _, Turn _, Resume _, Decline _, SnapshotAnswered _ -> { }
        }
    }

    /** The end of this vCPU's slice: the next one in the order runs; this one's next slice is a full one. */
    private void passBaton() {
        sliceLeft = baton.slice();
        baton.pass(vcpu.id(), vcpu.timeBase());
    }

    /**
     * The guest waits for an interrupt. With a timer armed in wall-clock time, look again at its
     * deadline; with none, schedule nothing at all. Either way an interrupt raised for it (the
     * wake hook) sends the next turn at once: a tickless kernel's next timer may be seconds
     * away, and console input must not wait for it. Otherwise the vCPU uses no CPU until then,
     * or until the supervisor ends the VM.
     */
    private void idleTurn(long untilNanos) {
        if (untilNanos >= 0) {
            driver.turnAfter(Duration.ofNanos(Math.max(0, untilNanos - System.nanoTime())));
            idleTimer = true;
        }
        sleeping.set(true);
        // an interrupt raised between the end of run() and here must not be missed
        if (woken.get() && sleeping.compareAndSet(true, false)) driver.sendTurn();
    }

    /**
     * Sends exactly one stop and waits for the supervisor: it stops us, or, for a reset or
     * shutdown it does not honour, declines it.
     */
    private void park(VcpuStop stop) {
        driver.report(stop);
        state = switch (stop) {
            case ResetRequested _, ShutdownRequested _, SnapshotRequested _ -> State.PARKED_ON_HYPERCALL;
            case GuestCrashed _, WatchdogExpired _, EngineFailed _, InstructionLimitReached _, VcpuReport.HostOutOfMemory _ ->
                    State.STOPPED;              // nothing is legal any more: only a stop ends this
        };
    }

    private void onParkedOnHypercall(Command msg) {
        switch (msg) {
            case Decline _ -> {
                HostHypercalls.decline(vcpu.exit().hcall());      // r3 = EV_INTERNAL on the next run
                state = State.RUNNING;
                driver.sendTurn();
            }
            case SnapshotAnswered a -> {
                if (a.taken()) HostHypercalls.snapshotTaken(vcpu.exit().hcall());   // else EV_UNIMPLEMENTED stays
                state = State.RUNNING;
                driver.sendTurn();
            }
            case Pause _ -> answerPause();
            case Resume _ -> { }
            case Restored _ -> restored();
            case Start _, Turn _ -> { }
        }
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
