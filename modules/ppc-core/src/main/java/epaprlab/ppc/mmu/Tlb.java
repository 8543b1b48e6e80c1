package epaprlab.ppc.mmu;

import java.util.Arrays;

/**
 * The architected TLBs of one CPU as QEMU indexes them (spec section 4): entries 0..511 are TLB0
 * (128 sets of 4 ways, set = EA bits 18:12, entry = set * 4 + way, 4 KiB pages only), entries
 * 512..575 are TLB1 (fully associative, variable sizes). Each entry keeps MAS1, MAS2 (EPN masked
 * to the page size, plus the 7 attribute bits) and MAS7:MAS3. Invalidation clears only MAS1[V].
 */
public final class Tlb {
    public static final int TLB0_SETS = 128, TLB0_WAYS = 4, TLB0_ENTRIES = TLB0_SETS * TLB0_WAYS, TLB1_ENTRIES = 64;
    public static final int ENTRIES = TLB0_ENTRIES + TLB1_ENTRIES;

    final int[] mas1 = new int[ENTRIES];
    final long[] mas2 = new long[ENTRIES];
    final long[] mas73 = new long[ENTRIES];
    /** QEMU's "last_way": the round-robin victim for TLB errors and tlbsx misses (2 bits, survives reset). */
    int victim;

    /** Entry of TLB0 way {@code way} in the set that {@code ea} selects. */
    static int tlb0(long ea, int way) { return (((int) (ea >>> 12)) & (TLB0_SETS - 1)) * TLB0_WAYS + way; }

    static int tlb1(int index) { return TLB0_ENTRIES + index; }

    static boolean inTlb1(int e) { return e >= TLB0_ENTRIES; }

    /** Way (TLB0) or index (TLB1) of an entry, as MAS0[ESEL] reports it. */
    static int esel(int e) { return inTlb1(e) ? e - TLB0_ENTRIES : e & (TLB0_WAYS - 1); }

    /** Page size in bytes of a TSIZE code (2^t KiB). */
    static long size(int tsize) { return 1024L << tsize; }

    /** The EA mask of entry {@code e}'s page (TLB0 entries are always 4 KiB). */
    long mask(int e) { return -size((mas1[e] & Mas.TSIZE) >>> Mas.TSIZE_SHIFT); }

    boolean valid(int e) { return mas1[e] < 0; }

    boolean iprot(int e) { return (mas1[e] & Mas.IPROT) != 0; }

    int tid(int e) { return (mas1[e] & Mas.TID) >>> Mas.TID_SHIFT; }

    int ts(int e) { return (mas1[e] & Mas.TS) != 0 ? 1 : 0; }

    /** UX/SX/UW/SW/UR/SR of the entry (MAS3 bits 5..0). */
    int permissions(int e) { return (int) mas73[e] & 0x3F; }

    /** Physical address of {@code ea} through entry {@code e}: (RPN & mask) | (EA & ~mask). */
    long physical(int e, long ea) {
        long m = mask(e);
        long rpn = mas73[e] & ~0xFFFL;
        return (rpn & m) | (ea & ~m);
    }

    /** V, TID against the PIDs (0 is global; PID1/PID2 only when non-zero), EPN, then TS. */
    boolean matches(int e, long ea, int as, long pid0, long pid1, long pid2) {
        int m1 = mas1[e];
        if (m1 >= 0) return false;
        long tid = (m1 & Mas.TID) >>> Mas.TID_SHIFT;
        if (tid != 0 && tid != pid0 && (pid1 == 0 || tid != pid1) && (pid2 == 0 || tid != pid2)) return false;
        long m = mask(e);
        return ((ea ^ mas2[e]) & m) == 0 && ((m1 & Mas.TS) != 0 ? 1 : 0) == as;
    }

    /** The first matching entry in search order (TLB0 ways of the EA's set, then TLB1 0..63), or -1. */
    int find(long ea, int as, long pid0, long pid1, long pid2) {
        int base = tlb0(ea, 0);
        for (int e = base; e < base + TLB0_WAYS; e++) if (matches(e, ea, as, pid0, pid1, pid2)) return e;
        for (int e = TLB0_ENTRIES; e < ENTRIES; e++) if (matches(e, ea, as, pid0, pid1, pid2)) return e;
        return -1;
    }

    /** Clears V in every entry (CPU reset). */
    void invalidateAll() {
        for (int e = 0; e < ENTRIES; e++) mas1[e] &= ~Mas.V;
    }

    /** Number of valid entries (tests and diagnostics). */
    int validCount() {
        int n = 0;
        for (int m : mas1) if (m < 0) n++;
        return n;
    }

    /** The architected TLB state of a snapshot: MAS1, MAS2, MAS7:MAS3 of every entry and the victim counter. */
    public record State(int[] mas1, long[] mas2, long[] mas73, int victim) {
        public State {
            if (mas1.length != ENTRIES || mas2.length != ENTRIES || mas73.length != ENTRIES) {
                throw new IllegalArgumentException("a TLB state has " + ENTRIES + " entries");
            }
        }
    }

    public State state() { return new State(mas1.clone(), mas2.clone(), mas73.clone(), victim); }

    void restore(State st) {
        System.arraycopy(st.mas1(), 0, mas1, 0, ENTRIES);
        System.arraycopy(st.mas2(), 0, mas2, 0, ENTRIES);
        System.arraycopy(st.mas73(), 0, mas73, 0, ENTRIES);
        victim = st.victim();
    }

    void clear() {
        Arrays.fill(mas1, 0);
        Arrays.fill(mas2, 0);
        Arrays.fill(mas73, 0);
    }
}
