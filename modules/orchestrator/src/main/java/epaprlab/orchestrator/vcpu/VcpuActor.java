package epaprlab.orchestrator.vcpu;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.board.Machine;
import epaprlab.machine.hcall.HostHypercalls;
import epaprlab.orchestrator.console.ConsoleSink;
import epaprlab.orchestrator.debug.DebugGate;
import java.time.Duration;

/**
 * One vCPU of a VM of several vCPUs in its own actor: the mailbox and timer its {@link VcpuLoop}
 * runs in (a VM of one vCPU runs its loop in the supervisor instead). The protocol here is the
 * loop's, whichever mailbox carries it; {@link Wiring}, {@link Halt} and {@link Hold} are what the
 * loop gets from its VM.
 */
public final class VcpuActor {

    private VcpuActor() {}

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

    /** The next turn ({@link VcpuLoop#TURN}); a singleton, so the hot self-message allocates nothing. */
    enum Turn implements Command { INSTANCE }

    /**
     * Everything a vCPU actor needs from its VM. {@code hold}: set while the VM's snapshot is being
     * taken (one per boot, shared by its vCPUs). {@code baton}: the VM's round robin, or null
     * when its vCPUs run at once (one vCPU, or the wall-clock time base). {@code supervisor}: where
     * a vCPU actor's loop reports; null for a loop its supervisor runs itself (its driver reports).
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
            ActorRef<Command> self = ctx.getSelf();
            VcpuLoop loop = new VcpuLoop(wiring, new VcpuLoop.Driver() {
                @Override public void sendTurn() { self.tell(Turn.INSTANCE); }

                @Override public void turnAfter(Duration delay) { timers.startSingleTimer(Turn.INSTANCE, delay); }

                @Override public void cancelTurnTimer() { timers.cancel(Turn.INSTANCE); }

                @Override public void report(VcpuReport report) { wiring.supervisor().tell(report); }
            });
            return Behaviors.receive(Command.class).onMessage(Command.class, msg -> {
                loop.handle(msg);
                return Behaviors.same();
            }).build();
        }));
    }
}
