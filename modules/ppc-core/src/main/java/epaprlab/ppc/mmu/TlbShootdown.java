package epaprlab.ppc.mmu;

import epaprlab.ppc.interrupt.PendingInterrupts;
import epaprlab.ppc.mem.GuestMemory;

import java.util.Arrays;

/**
 * The tlbivax broadcast domain of one RAM: every CPU of a {@link GuestMemory} that runs with
 * {@link epaprlab.ppc.cpu.Translation#BOOK_E} joins it. Each vCPU runs on its own thread and only
 * its own thread touches its TLB arrays, so a tlbivax is not applied to another CPU directly: it
 * is posted to that CPU's inbox and the poster raises the target's attention flag; the target
 * applies its inbox at its next block boundary (the interpreter's attention poll, at most one
 * block of up to 64 instructions later) and in any case before it runs again after a stop.
 *
 * <p>tlbsync waits until every other member has applied everything posted to it so far, or is
 * not inside {@code run} (it will apply the inbox before its next instruction, so the guest cannot
 * tell). While waiting it applies its own inbox, so two CPUs that tlbsync at each other both
 * progress. The wait is bounded ({@link #SYNC_LIMIT_NANOS}) so a host thread that is descheduled
 * for long cannot hang another vCPU; after the limit tlbsync completes anyway.
 *
 * <p>An inbox holds {@link Member#CAPACITY} addresses; when it overflows the target invalidates
 * every non-IPROT entry of both TLBs instead (more than asked, which IPROT exists to allow).
 */
public final class TlbShootdown {
    static final long SYNC_LIMIT_NANOS = 1_000_000_000L;

    private volatile Member[] members = new Member[0];

    public static TlbShootdown of(GuestMemory memory) {
        return memory.engineShared(TlbShootdown.class, TlbShootdown::new);
    }

    synchronized Member join(PendingInterrupts pending) {
        Member m = new Member(pending);
        Member[] old = members;
        Member[] n = Arrays.copyOf(old, old.length + 1);
        n[old.length] = m;
        members = n;
        return m;
    }

    /** Posts the tlbivax of {@code ea} to every member but {@code from}. */
    void broadcast(Member from, long ea) {
        for (Member m : members) if (m != from) m.post(ea);
    }

    /** tlbsync of {@code from}; {@code self} applies {@code from}'s own inbox while it waits. */
    void sync(Member from, Runnable self) {
        long deadline = System.nanoTime() + SYNC_LIMIT_NANOS;
        for (Member m : members) {
            if (m == from) continue;
            long target = m.posted;
            int spins = 0;
            while (m.running && m.applied < target) {
                self.run();
                if (++spins < 1000) Thread.onSpinWait();
                else Thread.yield();
                if (System.nanoTime() - deadline > 0) return;
            }
        }
    }

    /** One CPU's inbox. Posting is under the member's lock; draining is the owner's. */
    static final class Member {
        static final int CAPACITY = 64;

        private final PendingInterrupts pending;
        private final long[] inbox = new long[CAPACITY];
        private int count;
        private boolean overflow;
        /** Addresses posted / applied so far (tlbsync compares them). */
        volatile long posted, applied;
        /** True while the owner is inside {@code run}. */
        volatile boolean running;

        Member(PendingInterrupts pending) { this.pending = pending; }

        private void post(long ea) {
            synchronized (this) {
                if (count < CAPACITY) inbox[count++] = ea;
                else overflow = true;
                posted++;
            }
            pending.attention = true;
        }

        /** True when something was posted that the owner has not applied yet. */
        boolean hasWork() { return applied != posted; }

        /**
         * Owner thread: hands the posted addresses to {@code apply} (or, after an overflow, calls
         * {@code applyAll} once), then records them as applied. Allocates nothing.
         */
        void drain(java.util.function.LongConsumer apply, Runnable applyAll, long[] scratch) {
            int n;
            boolean all;
            long seen;
            synchronized (this) {
                n = count;
                all = overflow;
                seen = posted;
                System.arraycopy(inbox, 0, scratch, 0, n);
                count = 0;
                overflow = false;
            }
            if (all) applyAll.run();
            else for (int i = 0; i < n; i++) apply.accept(scratch[i]);
            applied = seen;
        }
    }
}
