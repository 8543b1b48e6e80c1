package epaprlab.ppc.mmu;

import java.util.Arrays;

/**
 * The software TLB in front of the architected ones: direct-mapped by EA page, one set of tags
 * for loads, one for stores, one for fetches. A tag is the 4 KiB EA page ORed with the context
 * (bit 0 = MSR[PR], bit 1 = MSR[DS] for data or MSR[IS] for fetch), so changing PR, DS or IS
 * needs no flush: the other context's entries just stop matching. {@link #INVALID} has all low
 * bits set and never equals a tag. Only pages of RAM are cached, never device pages, so a hit is always a plain RAM access at physical address EA + addend,
 * through the memory's page table. It keeps the addend, not the page array: another vCPU's
 * copy-on-write replaces a page array while this one runs, and the table is always current.
 *
 * <p>Flushed by the MMU on everything that can change a translation: a tlbwe (the old and new
 * ranges of the entry), tlbivax/tlbilx/MMUCSR0 (everything), a PID write, a CPU reset.
 */
public final class SoftTlb {
    public static final int BITS = 9, SIZE = 1 << BITS, MASK = SIZE - 1;
    public static final long INVALID = -1L;

    /** Load, store and fetch tags, and the RAM offset to add to the EA (data and fetch). */
    public final long[] read = new long[SIZE], write = new long[SIZE], dataAddend = new long[SIZE];
    public final long[] exec = new long[SIZE], execAddend = new long[SIZE];

    SoftTlb() { flush(); }

    public static int index(long ea) { return (int) (ea >>> 12) & MASK; }

    /** The tag of {@code ea} in context {@code ctx}. */
    public static long tag(long ea, int ctx) { return (ea & ~0xFFFL) | ctx; }

    public void flush() {
        Arrays.fill(read, INVALID);
        Arrays.fill(write, INVALID);
        Arrays.fill(exec, INVALID);
    }

    /**
     * Forgets every cached page of [base, base + size) (base aligned to size); a range larger
     * than the cache flushes it all.
     */
    void flushRange(long base, long size) {
        if (size >= (long) SIZE << 12) { flush(); return; }
        for (long p = base; p - base < size; p += 0x1000) {
            int i = index(p);
            read[i] = INVALID;
            write[i] = INVALID;
            exec[i] = INVALID;
        }
    }

    void fillData(long ea, int ctx, long pa, boolean readable, boolean writable) {
        int i = index(ea);
        long t = tag(ea, ctx);
        read[i] = readable ? t : INVALID;
        write[i] = writable ? t : INVALID;
        dataAddend[i] = (pa & ~0xFFFL) - (ea & ~0xFFFL);
    }

    void fillExec(long ea, int ctx, long pa) {
        int i = index(ea);
        exec[i] = tag(ea, ctx);
        execAddend[i] = (pa & ~0xFFFL) - (ea & ~0xFFFL);
    }
}
