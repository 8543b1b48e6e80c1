package epaprlab.orchestrator.vcpu;

import java.util.Arrays;

/**
 * The one right to run guest code in a VM of several vCPUs on the instruction time base (one per
 * boot, shared by its vCPU actors), like QEMU's single-threaded TCG round robin: the vCPU holding
 * it runs a slice of {@link #slice()} instructions and passes it to the next vCPU in the order
 * 0, 1, .., n-1, 0, .. that can use it. So every access of one vCPU to memory another shares,
 * every doorbell, IPI, spin-table release and TLB shootdown happens at an instruction count that
 * depends on nothing but the instruction counts, and two runs of the VM are identical.
 *
 * <p>Who can use it: a vCPU that runs guest code, or a secondary still waiting on its spin table
 * (it looks at its entry and passes the baton on at once). A vCPU that waits for an interrupt
 * {@link #sleep sleeps}: the order skips it until an interrupt is raised for it ({@link #wake}; one
 * raised by another vCPU is raised during that vCPU's slice, so it is seen at the sleeper's next
 * slice in the order) or until the VM's time ({@link #now}: the latest time base a holder had when
 * it passed the baton) reaches its next timer event. A sleeper does not move time on by itself
 * while others run (each vCPU's time base counts its own instructions): its engine fast-forwards
 * only up to {@link #now}. When every vCPU sleeps, time jumps to the earliest timer event and that
 * sleeper runs (QEMU's icount warp). When only sleepers without a timer and spin-table waiters are
 * left, no one can run nor release anyone: the baton rests until a wake (from the host: console
 * input).
 *
 * <p>A vCPU that stops (a crash, an ending, a hypercall the VM must decide, the debugger's hold,
 * a pause for a snapshot) keeps the baton, so no other vCPU runs on meanwhile: the VM stops at one
 * instruction boundary, the same on every run. The holder's slice left is the actor's; a pause
 * does not change where the baton passes.
 *
 * <p>Thread-safe: the actors, the engine's wake hook (any thread) and the supervisor use it; it
 * is taken once per slice, not per instruction. Telling an actor to look at the baton is a plain
 * {@code tell} (a turn), so it never blocks under the lock.
 */
public final class Baton {

    /** What a vCPU can do with the baton. */
    private enum State { RUNS, SPINS, SLEEPS }

    /**
     * Instructions per slice, the same for every VM so that a config gives one run: small enough
     * that a vCPU spinning on a flag the next one sets wastes little (SMP Linux on e500mc took
     * 3.5 G instructions to boot with it, 7.0 G with 100,000), large enough that passing the
     * baton (one actor message) costs little beside the slice.
     */
    public static final long SLICE = 10_000;

    private static final int RESTING = -1;

    private final long slice;
    private final Runnable[] turns;
    private final State[] states;
    /** An interrupt was raised for the vCPU since its last run began: it must not go to sleep. */
    private final boolean[] woken;
    /** A sleeper's next timer event (time base), Long.MAX_VALUE for none. */
    private final long[] deadlines;
    /** The VM's time: the latest time base a holder had when it passed the baton. */
    private long now = Long.MIN_VALUE;
    private int registered;
    private int holder = RESTING;

    /** {@code slice}: instructions a vCPU runs each time it holds the baton. */
    public Baton(int vcpus, long slice) {
        if (vcpus < 1) throw new IllegalArgumentException("a baton needs at least one vCPU, got " + vcpus);
        if (slice < 1) throw new IllegalArgumentException("a baton's slice must be positive, got " + slice);
        this.slice = slice;
        this.turns = new Runnable[vcpus];
        this.states = new State[vcpus];
        this.woken = new boolean[vcpus];
        this.deadlines = new long[vcpus];
    }

    public long slice() { return slice; }

    /**
     * A vCPU actor is ready ({@code turn} sends it a turn). Once every vCPU has registered, vCPU 0
     * gets the baton. Each starts as one that runs: a secondary on its spin table says so at its
     * first turn ({@link #spins}), one a restored snapshot had released runs at once.
     */
    public synchronized void register(int vcpu, Runnable turn) {
        if (turns[vcpu] == null) registered++;
        turns[vcpu] = turn;
        states[vcpu] = State.RUNS;
        if (registered == turns.length && holder == RESTING) give(0);
    }

    public synchronized boolean holds(int vcpu) { return holder == vcpu; }

    /** The holder is a secondary still on its spin table: only a vCPU that runs guest code can release it. */
    public synchronized void spins(int vcpu) {
        states[vcpu] = State.SPINS;
    }

    /** The holder's secondary has left its spin table: from now on it runs guest code. */
    public synchronized void released(int vcpu) {
        states[vcpu] = State.RUNS;
    }

    /** Before each run of {@code vcpu}: interrupts raised from now on count for {@link #sleep}. */
    public synchronized void running(int vcpu) { woken[vcpu] = false; }

    /** How far the holder's engine may fast-forward a wait: to the VM's time, never beyond. */
    public synchronized long now() { return now; }

    /**
     * The holder waits for an interrupt, its next timer event at time base {@code deadline}
     * (Long.MAX_VALUE: none): true when it sleeps now (it must pass the baton), false when an
     * interrupt was raised for it since its run began (it runs on).
     */
    public synchronized boolean sleep(int vcpu, long deadline) {
        if (woken[vcpu]) return false;
        states[vcpu] = State.SLEEPS;
        deadlines[vcpu] = deadline;
        return true;
    }

    /**
     * The engine's wake hook (any thread): an interrupt was raised for {@code vcpu}. A sleeper can
     * use the baton again; a resting baton goes to it.
     */
    public synchronized void wake(int vcpu) {
        woken[vcpu] = true;
        if (states[vcpu] != State.SLEEPS) return;
        states[vcpu] = State.RUNS;
        if (holder == RESTING && registered == turns.length) give(vcpu);
    }

    /**
     * The holder's slice is over (or it sleeps, or it spins unreleased), its time base at
     * {@code timeBase}: sleepers whose timer event the VM's time has reached run again; the next
     * vCPU after the holder that can use the baton gets it, itself last. When every vCPU sleeps,
     * time jumps to the earliest timer event; with none, the baton rests.
     */
    public synchronized void pass(int from, long timeBase) {
        if (holder != from) throw new IllegalStateException("vCPU " + from + " passes a baton held by " + holder);
        now = Math.max(now, timeBase);
        boolean anyRuns = false;
        int earliest = RESTING;
        for (int i = 0; i < states.length; i++) {
            if (states[i] == State.SLEEPS && deadlines[i] <= now) states[i] = State.RUNS;
            anyRuns |= states[i] == State.RUNS;
            if (states[i] == State.SLEEPS && deadlines[i] != Long.MAX_VALUE
                    && (earliest == RESTING || deadlines[i] < deadlines[earliest])) earliest = i;
        }
        if (!anyRuns && earliest != RESTING) {          // every vCPU idles: the earliest timer is next
            now = deadlines[earliest];
            states[earliest] = State.RUNS;
            give(earliest);
            return;
        }
        if (!anyRuns) {
            holder = RESTING;
            return;
        }
        int n = turns.length;
        for (int i = 1; i <= n; i++) {
            int next = (from + i) % n;
            if (states[next] != State.SLEEPS) {
                give(next);
                return;
            }
        }
    }

    /**
     * The machine was put back into a snapshot's state (every vCPU paused or parked): every vCPU
     * is one that runs again (a secondary looks at its spin table first) and vCPU 0 holds the
     * baton; each actor then looks at it once.
     */
    public synchronized void restart() {
        Arrays.fill(states, State.RUNS);
        Arrays.fill(woken, false);
        now = Long.MIN_VALUE;               // the restored time bases may lie before it
        holder = 0;
    }

    private void give(int vcpu) {
        holder = vcpu;
        turns[vcpu].run();
    }

    @Override
    public synchronized String toString() {
        return "baton held by " + (holder == RESTING ? "none" : "vCPU " + holder) + ", states " + Arrays.toString(states);
    }
}
