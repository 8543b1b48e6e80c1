package epaprlab.ppc.mmu;

import epaprlab.ppc.interrupt.PendingInterrupts;
import epaprlab.ppc.mem.GuestMemory;

/**
 * The MMU state of one CPU in {@link epaprlab.ppc.cpu.Translation#BOOK_E}: its architected TLBs,
 * the software TLB in front of them and its place in the RAM's {@link TlbShootdown} domain, with
 * the invalidation primitives that keep the software TLB exact. Owned by the CPU's thread.
 */
public final class Mmu {
    public final Tlb tlb = new Tlb();
    public final SoftTlb soft = new SoftTlb();
    private final TlbShootdown domain;
    private final TlbShootdown.Member member;
    private final long[] drainScratch = new long[TlbShootdown.Member.CAPACITY];
    private final java.util.function.LongConsumer applyRemote = this::invalidateVa;
    private final Runnable applyRemoteAll = () -> invalidateAllUnprotected(true, true);
    private final Runnable drainSelf = this::drainRemote;

    public Mmu(GuestMemory memory, PendingInterrupts pending) {
        this.domain = TlbShootdown.of(memory);
        this.member = domain.join(pending);
    }

    /** CPU reset: every entry invalid (V cleared, fields kept, as QEMU), nothing cached. */
    public void reset() {
        tlb.invalidateAll();
        soft.flush();
    }

    /**
     * Restores the architected TLBs of a snapshot: tlbivax operations posted before are applied
     * first (to the old entries), nothing stays cached.
     */
    public void restore(Tlb.State st) {
        drainRemote();
        tlb.restore(st);
        soft.flush();
    }

    /** The owner thread enters or leaves {@code run} (tlbsync need not wait for a CPU outside it). */
    public void setRunning(boolean running) { member.running = running; }

    /** Applies the tlbivax operations other CPUs posted to this one (owner thread, block boundary). */
    public void drainRemote() {
        if (member.hasWork()) member.drain(applyRemote, applyRemoteAll, drainScratch);
    }

    /** tlbivax: the local action, then the same posted to every other CPU of the RAM. */
    void broadcastInvalidate(long ea) {
        invalidateVa(ea);
        domain.broadcast(member, ea);
    }

    /** tlbsync: waits for the other CPUs to apply what was posted (see {@link TlbShootdown}). */
    void sync() { domain.sync(member, drainSelf); }

    /** Forgets the cached pages of entry {@code e}'s current range when it is valid. */
    void forget(int e) {
        if (tlb.valid(e)) {
            long m = tlb.mask(e);
            soft.flushRange(tlb.mas2[e] & m, -m);
        }
    }

    /** Clears V of entry {@code e}, keeping the software TLB exact. */
    void invalidate(int e) {
        forget(e);
        tlb.mas1[e] &= ~Mas.V;
    }

    /** Invalidates every entry of the chosen TLBs that has no IPROT (TLB0 never keeps IPROT). */
    void invalidateAllUnprotected(boolean tlb0, boolean tlb1) {
        int from = tlb0 ? 0 : Tlb.TLB0_ENTRIES, to = tlb1 ? Tlb.ENTRIES : Tlb.TLB0_ENTRIES;
        for (int e = from; e < to; e++) if (!tlb.iprot(e)) tlb.mas1[e] &= ~Mas.V;
        soft.flush();
    }

    /**
     * The tlbivax action on this CPU's arrays (spec 6.4): EA bit 0x4 invalidates a whole TLB
     * (0x8 selects TLB1, where IPROT entries survive), otherwise every entry of the selected TLB
     * (TLB0: the EA's set) whose EPN equals the EA under its page mask, any TID and TS, unless
     * IPROT.
     */
    void invalidateVa(long ea) {
        boolean tlb1 = (ea & 0x8) != 0;
        if ((ea & 0x4) != 0) {
            invalidateAllUnprotected(!tlb1, tlb1);
            return;
        }
        int from = tlb1 ? Tlb.TLB0_ENTRIES : Tlb.tlb0(ea, 0);
        int to = tlb1 ? Tlb.ENTRIES : from + Tlb.TLB0_WAYS;
        for (int e = from; e < to; e++) {
            if (!tlb.iprot(e) && ((ea ^ tlb.mas2[e]) & tlb.mask(e)) == 0) invalidate(e);
        }
    }
}
