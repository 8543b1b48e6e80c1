package epaprlab.ppc.mmu;

import epaprlab.ppc.cpu.Esr;
import epaprlab.ppc.cpu.Msr;
import epaprlab.ppc.cpu.Spr;
import epaprlab.ppc.exec.CpuState;
import epaprlab.ppc.exec.GuestFault;
import epaprlab.ppc.interrupt.Delivery;
import epaprlab.ppc.mem.PhysicalBus;

/**
 * The slow paths of guest accesses, taken when the fast path in {@link CpuState} cannot serve
 * one: in FLAT mode an access outside RAM (to the {@link PhysicalBus} when it decodes the
 * address, else a Data Storage interrupt as always); in BOOK_E mode a software-TLB miss, an
 * access that crosses a 4 KiB page, or a device page. Translation follows spec section 5: first
 * matching entry, permission by MSR[PR], PA = (RPN & mask) | (EA & ~mask).
 *
 * <p>MAS2[E] (little-endian page) is kept in the entry but, as in QEMU 7.2, plays no part in an
 * access: loads, stores and fetches through such a page are big-endian
 * ({@code LittleEndianPageQemuTest}). An instruction fetch from a physical address outside RAM
 * stops the CPU with UNHANDLED_INTERRUPT naming PC and PA.
 */
public final class Translate {
    private Translate() {}

    private static final String NO_PERMISSION = "without permission in its TLB entry";

    // ---- data ---------------------------------------------------------------------------------

    /** A load of {@code len} bytes (1, 2, 4, 8), zero-extended. */
    public static long load(CpuState s, long ea, int len) {
        if (!s.bookE) return s.physBus.read(flatDevice(s, ea, len, false), len) & (-1L >>> (64 - 8 * len));
        long last = s.ea(ea + len - 1);
        long pa = data(s, ea, false);
        if (((ea ^ last) & ~0xFFFL) == 0) return readPhys(s, ea, pa, len, false);
        long paLast = data(s, last, false);
        long v = 0;
        for (int k = 0; k < len; k++) {
            long a = s.ea(ea + k);
            v = (v << 8) | readPhys(s, a, bytePa(a, ea, pa, last, paLast), 1, false);
        }
        return v;
    }

    /** A store of the low {@code len} bytes of {@code v}; both pages are checked before any byte is written. */
    public static void store(CpuState s, long ea, int len, long v) {
        if (!s.bookE) {
            s.physBus.write(flatDevice(s, ea, len, true), len, v);
            return;
        }
        long last = s.ea(ea + len - 1);
        long pa = data(s, ea, true);
        if (((ea ^ last) & ~0xFFFL) == 0) {
            writePhys(s, ea, pa, len, v);
            return;
        }
        long paLast = data(s, last, true);
        for (int k = 0; k < len; k++) {
            long a = s.ea(ea + k);
            long pb = bytePa(a, ea, pa, last, paLast);
            if (!inRam(s, pb, 1) && !s.physBus.decodes(pb)) throw dsi(s, a, true);
        }
        ownRam(s, pa, paLast);                          // both RAM pages first: all bytes or none
        for (int k = 0; k < len; k++) {
            long a = s.ea(ea + k);
            writePhys(s, a, bytePa(a, ea, pa, last, paLast), 1, v >>> (8 * (len - 1 - k)));
        }
    }

    /** The PA of byte {@code a} of an access from {@code ea} to {@code last} that crosses one page boundary. */
    private static long bytePa(long a, long ea, long pa, long last, long paLast) {
        return ((a ^ ea) & ~0xFFFL) == 0 ? pa + (a - ea) : paLast - (last - a);
    }

    /**
     * Checks a multi-register or line access up front (lmw/stmw, strings, dcbz) so that nothing
     * is written on a fault: every page it touches must translate with the permission needed.
     */
    public static void checkRange(CpuState s, long ea, int len, boolean store) {
        if (!s.bookE) {
            flatDevice(s, ea, len, store);
            return;
        }
        long last = s.ea(ea + len - 1);                 // len <= 128: at most two pages
        long pa = data(s, ea, store);
        if (!inRam(s, pa, 1) && !s.physBus.decodes(pa)) throw dsi(s, ea, store);
        long paLast = pa;
        if (((ea ^ last) & ~0xFFFL) != 0) {
            paLast = data(s, last, store);
            if (!inRam(s, paLast, 1) && !s.physBus.decodes(paLast)) throw dsi(s, last, store);
        }
        if (store) ownRam(s, pa, paLast);               // now: the page budget cannot refuse halfway
    }

    /** Makes the RAM pages among those of {@code pa} and {@code pb} this RAM's own, all or none (or stops the CPU). */
    private static void ownRam(CpuState s, long pa, long pb) {
        boolean a = inRam(s, pa, 1), b = inRam(s, pb, 1);
        if (a && b) s.ramWritableBoth(pa, pb);
        else if (a || b) s.ramWritable(a ? pa : pb, 1);
    }

    /** dcbz of a naturally aligned line (never crosses a page). */
    public static void zero(CpuState s, long ea, int len) {
        long pa = s.bookE ? data(s, ea, true) : flatDevice(s, ea, len, true);
        if (inRam(s, pa, len)) {
            s.ramZero(pa, len);
            return;
        }
        if (!s.physBus.decodes(pa)) throw dsi(s, ea, true);
        for (int k = 0; k < len; k += 8) s.physBus.write(pa + k, 8, 0);
    }

    /**
     * The RAM offset of an aligned reservation access (lwarx/stwcx. family); anything but RAM is a
     * Data Storage interrupt.
     */
    public static long reservation(CpuState s, long ea, int len, boolean store) {
        long pa = s.bookE ? data(s, ea, store) : ea;
        if (!inRam(s, pa, len)) throw dsi(s, ea, store);
        return pa;
    }

    /** FLAT outside RAM: the device address when the bus decodes it, else the flat DSI. */
    private static long flatDevice(CpuState s, long ea, int len, boolean store) {
        if (Long.compareUnsigned(ea, s.ramSize) >= 0 && s.physBus.decodes(ea)) return ea;
        throw dsi(s, ea, store);
    }

    private static boolean inRam(CpuState s, long pa, int len) {
        return Long.compareUnsigned(pa, s.ramSize - len) <= 0;
    }

    private static long readPhys(CpuState s, long ea, long pa, int len, boolean store) {
        if (inRam(s, pa, len)) return s.ramLoad(pa, len);
        if (s.physBus.decodes(pa)) return s.physBus.read(pa, len) & (-1L >>> (64 - 8 * len));
        throw dsi(s, ea, store);
    }

    private static void writePhys(CpuState s, long ea, long pa, int len, long v) {
        if (inRam(s, pa, len)) s.ramStore(pa, len, v);
        else if (s.physBus.decodes(pa)) s.physBus.write(pa, len, v);
        else throw dsi(s, ea, true);
    }

    private static GuestFault dsi(CpuState s, long ea, boolean store) {
        Delivery.dataStorage(s, ea, store ? Esr.ST : 0);
        return GuestFault.INSTANCE;
    }

    /**
     * Translates the page of a data access: the physical address of {@code ea}, after the
     * permission check; caches the page in the software TLB when it is plain RAM. Raises the
     * Data TLB error or Data Storage interrupt and throws.
     */
    static long data(CpuState s, long ea, boolean store) {
        Mmu m = s.mmu;
        Tlb t = m.tlb;
        int as = (s.msr & Msr.DS) != 0 ? 1 : 0;
        int e = t.find(ea, as, s.sprs[Spr.slot(Spr.PID)], s.sprs[Spr.slot(Spr.PID1)], s.sprs[Spr.slot(Spr.PID2)]);
        if (e < 0) {
            Delivery.dataTlbError(s, ea, store, as);
            throw GuestFault.INSTANCE;
        }
        boolean user = (s.msr & Msr.PR) != 0;
        int p = t.permissions(e);
        boolean r = (p & (user ? Mas.UR : Mas.SR)) != 0, w = (p & (user ? Mas.UW : Mas.SW)) != 0;
        if (!(store ? w : r)) {
            Delivery.dataStorage(s, ea, store ? Esr.ST : 0, NO_PERMISSION);
            throw GuestFault.INSTANCE;
        }
        long pa = t.physical(e, ea);
        if (inRam(s, pa | 0xFFF, 1)) m.soft.fillData(ea, s.dctx, pa, r, w);
        return pa;
    }

    // ---- instruction fetch --------------------------------------------------------------------

    /**
     * Translates the fetch of the instruction at {@code pc}: its RAM offset, or -1 after the
     * Instruction TLB error or Instruction Storage interrupt was delivered (or the CPU stopped at
     * a physical address outside RAM). Caches the page.
     */
    public static long fetch(CpuState s, long pc) {
        Mmu m = s.mmu;
        Tlb t = m.tlb;
        int as = (s.msr & Msr.IS) != 0 ? 1 : 0;
        int e = t.find(pc, as, s.sprs[Spr.slot(Spr.PID)], s.sprs[Spr.slot(Spr.PID1)], s.sprs[Spr.slot(Spr.PID2)]);
        s.nia = (pc + 4) & s.eaMask;
        if (e < 0) {
            Delivery.instructionTlbError(s, as);
            return -1;
        }
        if ((t.permissions(e) & ((s.msr & Msr.PR) != 0 ? Mas.UX : Mas.SX)) == 0) {
            Delivery.instructionStorage(s, NO_PERMISSION);
            return -1;
        }
        long pa = t.physical(e, pc);
        if (!inRam(s, pa | 0xFFF, 1)) {
            Delivery.stopUnsupported(s, "instruction fetch at EA 0x%x from PA 0x%x outside RAM".formatted(pc, pa));
            return -1;
        }
        m.soft.fillExec(pc, s.ictx, pa);
        return pa;
    }

    /**
     * For debuggers and crash reports: the physical address a data access ({@code fetch} false,
     * MSR[DS]) or an instruction fetch (MSR[IS]) of {@code ea} would reach now, or -1 when no
     * TLB entry maps it. No permission check, no side effects.
     */
    public static long peek(CpuState s, long ea, boolean fetch) {
        Tlb t = s.mmu.tlb;
        long as = fetch ? (s.msr & Msr.IS) : (s.msr & Msr.DS);
        int e = t.find(ea, as != 0 ? 1 : 0, s.sprs[Spr.slot(Spr.PID)], s.sprs[Spr.slot(Spr.PID1)], s.sprs[Spr.slot(Spr.PID2)]);
        return e < 0 ? -1 : t.physical(e, ea);
    }

    /** The RAM offset the instruction at {@code pc} would be fetched from now, or -1 (no side effects). */
    public static long peekFetch(CpuState s, long pc) {
        Tlb t = s.mmu.tlb;
        int e = t.find(pc, (s.msr & Msr.IS) != 0 ? 1 : 0, s.sprs[Spr.slot(Spr.PID)], s.sprs[Spr.slot(Spr.PID1)], s.sprs[Spr.slot(Spr.PID2)]);
        if (e < 0) return -1;
        long pa = t.physical(e, pc);
        return inRam(s, pa, 4) ? pa : -1;
    }
}
