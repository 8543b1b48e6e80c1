package epaprlab.ppc.timer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The latest time base any CPU sharing one RAM has shown its guest, in instruction time. Each
 * CPU's instruction-driven time base counts its own retired instructions (and jumps on idle
 * fast-forward), so two CPUs' counters run apart; on real hardware every core reads one
 * synchronised time base, and SMP guests rely on that (Linux's timekeeping computes
 * {@code now - last} with a {@code last} another CPU read and loops for ever when it is negative).
 * A CPU that would show a value behind this one first moves its own time base forward to it, so
 * guest reads are monotonic across the CPUs of a VM. One CPU alone never moves: its own reads are
 * already monotonic, so one-vCPU guests stay exactly reproducible.
 */
public final class SharedTimeBase {
    private final AtomicLong latest = new AtomicLong(Long.MIN_VALUE);

    /** Records {@code tb} as shown and returns what the guest must see: the later of the two. */
    public long show(long tb) {
        long seen = latest.get();
        while (tb > seen) {
            if (latest.compareAndSet(seen, tb)) return tb;
            seen = latest.get();
        }
        return seen;
    }

    /** The latest time base shown, Long.MIN_VALUE before any (a snapshot saves it). */
    public long latest() { return latest.get(); }

    /** A guest wrote the time base: reads go on from {@code tb}, even when it is earlier. */
    public void written(long tb) { latest.set(tb); }

    /** Power-on: no CPU has shown anything yet (every CPU of the VM is reset together). */
    public void reset() { latest.set(Long.MIN_VALUE); }
}
