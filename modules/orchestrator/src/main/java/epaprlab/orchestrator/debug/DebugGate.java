package epaprlab.orchestrator.debug;

import epaprlab.machine.api.Vcpu;
import epaprlab.ppc.cpu.Watchpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One VM's debugger hold (all-stop, as gdb expects): while held, no vCPU of the VM runs guest
 * code, so the debugger's thread may read and write registers and memory. Each vCPU actor
 * {@link #enter}s before a turn and {@link #leave}s after it; held, {@code enter} refuses and
 * keeps the actor's resume callback, so a parked actor schedules nothing until {@link #resume}.
 * The VM is stopped once it is held and no actor is inside a turn.
 *
 * <p>Breakpoints and single steps: while any is set, actors run one instruction per
 * {@code run()} and ask {@link #afterStep} whether to stop (the PC reached a breakpoint, or the
 * stepped vCPU made its step). That is the same for both engine tiers and costs nothing to a VM
 * without a debugger (it has no gate).
 */
public final class DebugGate {
    /**
     * Why the VM last stopped: a POSIX signal number for gdb, the vCPU that caused it and the
     * stop reply's extra {@code n:r;} pairs ({@code watch:ADDR;} for a watchpoint, else empty).
     */
    public record StopEvent(int signal, int vcpu, String detail) {
        public StopEvent(int signal, int vcpu) { this(signal, vcpu, ""); }
    }

    public static final int SIGINT = 2, SIGILL = 4, SIGTRAP = 5, SIGSEGV = 11;

    private final List<Vcpu> vcpus;
    private final Consumer<Boolean> heldChanged;
    /** Ends the VM (the supervisor's stop path): gdb's {@code kill}. */
    private final Runnable kill;
    private final Set<Long> breakpoints = new HashSet<>();
    /**
     * A vCPU actor has asked for its first turn, so the board's power-on (image, entry PC,
     * registers) is done: before that a debugger attaching to a held VM would read a vCPU the
     * board is still setting up on another thread.
     */
    private boolean poweredOn;
    private final List<Watchpoint> watchpoints = new ArrayList<>();
    private final Map<Integer, Runnable> parked = new HashMap<>();
    private int inside;
    private boolean held;
    private int stepVcpu = -1;
    private volatile boolean fine;
    private StopEvent last;
    /** Set once the VM has ended: the debugger is told and the stub closes. */
    private String ended;

    /**
     * @param hold        held from the start (the first instruction waits for the debugger)
     * @param heldChanged told true when the hold begins and false when it ends (the VM's clocks
     *                    pause meanwhile); called under the gate's lock, so it must not block
     * @param kill        asks the VM's owner to end the VM (it must not block)
     */
    public DebugGate(List<Vcpu> vcpus, boolean hold, Consumer<Boolean> heldChanged, Runnable kill) {
        this.vcpus = List.copyOf(vcpus);
        this.heldChanged = heldChanged;
        this.kill = kill;
        if (hold) {
            held = true;
            last = new StopEvent(SIGTRAP, 0);
            heldChanged.accept(true);
        }
    }

    public List<Vcpu> vcpus() { return vcpus; }

    // ---- the vCPU actors' side ---------------------------------------------------------------

    /** Before a turn: false when held (the actor parks; {@code resume} restarts it). */
    public synchronized boolean enter(int vcpu, Runnable resume) {
        if (!poweredOn) {
            poweredOn = true;
            notifyAll();
        }
        if (held) {
            parked.put(vcpu, resume);
            return false;
        }
        inside++;
        return true;
    }

    /** After a turn (or a refused step). */
    public synchronized void leave() {
        inside--;
        notifyAll();
    }

    public synchronized boolean isHeld() { return held; }

    /** True while breakpoints or a single step need one instruction per run. */
    public boolean fineStepping() { return fine; }

    /** After a one-instruction run of {@code v}: true when it must stop here (it then holds the VM). */
    public synchronized boolean afterStep(Vcpu v, boolean advanced) {
        if (held) return true;
        if ((stepVcpu == v.id() && advanced) || breakpoints.contains(v.pc())) {
            stop(new StopEvent(SIGTRAP, v.id()));
            return true;
        }
        return false;
    }

    /**
     * A watchpoint stopped {@code vcpu} after its access at {@code address} ({@code status}: KVM's
     * 4 write, 8 read, 12 both): hold the VM and tell gdb which kind, as its stop reply expects.
     */
    public synchronized void watchpointHit(int vcpu, long address, int status) {
        String kind = switch (status) {
            case 4 -> "watch";
            case 8 -> "rwatch";
            default -> "awatch";
        };
        stop(new StopEvent(SIGTRAP, vcpu, "%s:%x;".formatted(kind, address)));
    }

    /** The guest crashed on {@code vcpu}: hold the VM so the debugger sees the crash state. */
    public synchronized void crashed(int vcpu, int signal) {
        stop(new StopEvent(signal, vcpu));
    }

    /** The VM has ended ({@code exitPacket}: gdb's W or X reply); wakes a waiting debugger. */
    public synchronized void ended(String exitPacket) {
        ended = exitPacket;
        notifyAll();
    }

    private void stop(StopEvent why) {
        last = why;
        if (!held) {
            held = true;
            heldChanged.accept(true);
        }
        for (Vcpu v : vcpus) v.requestImmediateExit();
        notifyAll();
    }

    // ---- the debugger's side ------------------------------------------------------------------

    /**
     * gdb's {@code kill}: the VM ends (as QEMU's stub ends the emulator) instead of running on.
     * It stays held, no guest instruction runs again, until its owner has stopped it and called
     * {@link #ended}.
     */
    public synchronized void kill() {
        interrupt();
        kill.run();
    }

    /** Ctrl-C: hold the VM. */
    public synchronized void interrupt() {
        if (!held) stop(new StopEvent(SIGINT, last == null ? 0 : last.vcpu()));
    }

    /**
     * Waits until the VM is stopped (held, no vCPU inside a turn) and returns why, or until it
     * ends (empty: see {@link #endedPacket}), or {@code poll} passes (null: look at the socket).
     */
    public synchronized java.util.Optional<StopEvent> awaitStop(Duration poll) throws InterruptedException {
        long deadline = System.nanoTime() + poll.toNanos();
        while (ended == null && !isStopped()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return null;
            wait(Math.max(1, left / 1_000_000));
        }
        return ended != null ? java.util.Optional.empty() : java.util.Optional.of(last);
    }

    public synchronized String endedPacket() { return ended; }

    public synchronized boolean isStopped() { return held && inside == 0 && poweredOn; }

    /** Runs again: every vCPU ({@code step} -1) or steps one instruction of vCPU {@code step}. */
    public synchronized void resume(int step) {
        stepVcpu = step;
        fine = step >= 0 || !breakpoints.isEmpty();
        held = false;
        heldChanged.accept(false);
        List<Runnable> wake = List.copyOf(parked.values());
        parked.clear();
        wake.forEach(Runnable::run);
    }

    public synchronized void addBreakpoint(long address) { breakpoints.add(address); }

    public synchronized void removeBreakpoint(long address) { breakpoints.remove(address); }

    /**
     * Adds or removes a watchpoint on every vCPU (the engine stops after the access; see
     * {@link Watchpoint}). Only while the VM is stopped, as gdb sends its {@code Z2}-{@code Z4}.
     */
    public synchronized boolean setWatchpoint(Watchpoint w, boolean insert) {
        if (!isStopped()) return false;
        if (insert) watchpoints.add(w);
        else watchpoints.remove(w);
        for (Vcpu v : vcpus) v.setWatchpoints(watchpoints);
        return true;
    }
}
