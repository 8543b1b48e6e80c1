package epaprlab.ppc.mmu;

import static epaprlab.ppc.decode.Fields.*;

import epaprlab.ppc.cpu.Msr;
import epaprlab.ppc.cpu.Spr;
import epaprlab.ppc.exec.CpuState;

/**
 * tlbwe, tlbre, tlbsx, tlbivax, tlbilx, tlbsync, MMUCSR0 and the MAS values a TLB error loads,
 * as QEMU 7.2 does them (spec sections 6 and 7). The callers have checked privilege and that the
 * CPU runs with {@link epaprlab.ppc.cpu.Translation#BOOK_E}.
 */
public final class TlbInstructions {
    private TlbInstructions() {}

    private static final long MASK32 = CpuState.MASK32;

    /** TLB1 sizes tlbwe accepts with V=1: even codes from 4 KiB (2) to 16 GiB (24), TLB1CFG MIN/MAX. */
    static boolean tlb1SizeAllowed(int tsize) { return (tsize & 1) == 0 && tsize >= 2 && tsize <= 24; }

    /** tlbwe (6.1). */
    public static void tlbwe(CpuState s) {
        long mas0 = s.sprs[Spr.slot(Spr.MAS0)];
        if ((mas0 & Mas.WQ) >= 0x2000) return;                          // WQ 2/3: QEMU does nothing
        if ((mas0 & Mas.ATSEL) != 0 && (s.msr & Msr.GS) == 0) return;   // LRAT write: dropped
        int tlbsel = (int) ((mas0 & Mas.TLBSEL) >>> Mas.TLBSEL_SHIFT);
        int esel = (int) ((mas0 & Mas.ESEL) >>> Mas.ESEL_SHIFT);
        if (tlbsel > 1 || !write(s, tlbsel, esel, (int) s.sprs[Spr.slot(Spr.MAS1)], s.sprs[Spr.slot(Spr.MAS2)], s.sprs[Spr.slot(Spr.MAS3)], s.sprs[Spr.slot(Spr.MAS7)])) {
            s.illegal();
        }
    }

    /**
     * Stores one entry as tlbwe does; false (nothing written) for a valid TLB1 entry of a size
     * TLB1CFG does not allow. TLB0 entries become 4 KiB without IPROT; the EPN is masked to the
     * page size (and to 32 bits in 32-bit mode); RPN bits are kept as written.
     */
    public static boolean write(CpuState s, int tlbsel, int esel, int mas1, long mas2, long mas3, long mas7) {
        int tsize = (mas1 & Mas.TSIZE) >>> Mas.TSIZE_SHIFT;
        if (tlbsel == 1 && mas1 < 0 && !tlb1SizeAllowed(tsize)) return false;
        Mmu m = s.mmu;
        Tlb t = m.tlb;
        int e;
        if (tlbsel == 0) {
            e = Tlb.tlb0(mas2, esel & (Tlb.TLB0_WAYS - 1));
            mas1 = (mas1 & ~(Mas.IPROT | Mas.TSIZE)) | (Mas.TSIZE_4K << Mas.TSIZE_SHIFT);
            tsize = Mas.TSIZE_4K;
        } else {
            e = Tlb.tlb1(esel & (Tlb.TLB1_ENTRIES - 1));
        }
        m.forget(e);
        long epn = mas2 & (-Tlb.size(tsize) | Mas.ATTRIBUTES);
        t.mas1[e] = mas1;
        t.mas2[e] = s.cm ? epn : epn & MASK32;
        t.mas73[e] = ((mas7 & MASK32) << 32) | mas3;   // QEMU ORs all of MAS3 in (64 bits on e5500 after a tlbre)
        m.forget(e);
        return true;
    }

    /** tlbre (6.2): TLBSEL 2/3 only clears MAS1. */
    public static void tlbre(CpuState s) {
        long mas0 = s.sprs[Spr.slot(Spr.MAS0)];
        int tlbsel = (int) ((mas0 & Mas.TLBSEL) >>> Mas.TLBSEL_SHIFT);
        int esel = (int) ((mas0 & Mas.ESEL) >>> Mas.ESEL_SHIFT);
        if (tlbsel > 1) { s.sprs[Spr.slot(Spr.MAS1)] = 0; return; }
        read(s, tlbsel == 0 ? Tlb.tlb0(s.sprs[Spr.slot(Spr.MAS2)], esel & (Tlb.TLB0_WAYS - 1)) : Tlb.tlb1(esel & (Tlb.TLB1_ENTRIES - 1)));
    }

    /**
     * MAS0..3 and MAS7 from entry {@code e}; MAS0[NV] is the victim counter, unchanged. On e5500
     * MAS3 gets the whole MAS7:MAS3 (measured on QEMU 7.2, which stores the 64-bit value).
     */
    private static void read(CpuState s, int e) {
        Tlb t = s.mmu.tlb;
        s.sprs[Spr.slot(Spr.MAS0)] = ((Tlb.inTlb1(e) ? 1L : 0L) << Mas.TLBSEL_SHIFT) | ((long) Tlb.esel(e) << Mas.ESEL_SHIFT) | t.victim;
        s.sprs[Spr.slot(Spr.MAS1)] = t.mas1[e] & MASK32;
        s.sprs[Spr.slot(Spr.MAS2)] = t.mas2[e];
        // QEMU 7.2 copies all of MAS7:MAS3 into MAS3: on e5500 its upper word then reads back as MAS7
        s.sprs[Spr.slot(Spr.MAS3)] = s.has64 ? t.mas73[e] : t.mas73[e] & MASK32;
        s.sprs[Spr.slot(Spr.MAS7)] = t.mas73[e] >>> 32;
    }

    /**
     * tlbsx (6.3), with QEMU 7.2's operand: EA = (RA != 0 ? GPR[the RT field] : 0) + GPR[RB]
     * (Linux and U-Boot only use RA = 0). Searched with MAS6[SPID] as the PID and MAS6[SAS] as the
     * address space. CR0 is not changed by the Rc=1 form.
     */
    public static void tlbsx(CpuState s, int w) {
        long ea = s.ea((ra(w) != 0 ? s.gpr[rt(w)] : 0) + s.gpr[rb(w)]);
        long mas6 = s.sprs[Spr.slot(Spr.MAS6)];
        int as = (int) (mas6 & Mas.SAS);
        Tlb t = s.mmu.tlb;
        int e = t.find(ea, as, (mas6 & Mas.SPID) >>> Mas.TID_SHIFT, 0, 0);
        if (e >= 0) { read(s, e); return; }
        long mas4 = s.sprs[Spr.slot(Spr.MAS4)];
        s.sprs[Spr.slot(Spr.MAS0)] = (mas4 & Mas.TLBSELD) | nextVictim(t);
        s.sprs[Spr.slot(Spr.MAS1)] = (mas6 & 0xFFFF0000L) | (as != 0 ? Mas.TS : 0) | (mas4 & Mas.TSIZED);
        s.sprs[Spr.slot(Spr.MAS2)] = mas4 & Mas.WIMGE;
        s.sprs[Spr.slot(Spr.MAS3)] = 0;
        s.sprs[Spr.slot(Spr.MAS7)] = 0;
    }

    /** ESEL = the victim counter, which then advances and is reported in NV. */
    private static long nextVictim(Tlb t) {
        int v = t.victim;
        t.victim = (v + 1) & 3;
        return ((long) v << Mas.ESEL_SHIFT) | t.victim;
    }

    /** tlbivax (6.4): here at once, on the other CPUs of this RAM at their next block boundary. */
    public static void tlbivax(CpuState s, int w) {
        s.mmu.broadcastInvalidate(s.ea(s.raOrZero(ra(w)) + s.gpr[rb(w)]));
    }

    /** tlbsync (6.6): waits until the other CPUs applied this CPU's tlbivax operations. */
    public static void tlbsync(CpuState s) { s.mmu.sync(); }

    /** tlbilx T (6.5), local only; IPROT entries survive; T=2 is an illegal instruction. */
    public static void tlbilx(CpuState s, int w) {
        Mmu m = s.mmu;
        Tlb t = m.tlb;
        long mas6 = s.sprs[Spr.slot(Spr.MAS6)];
        long spid = (mas6 & Mas.SPID) >>> Mas.TID_SHIFT;
        switch ((w >>> 21) & 3) {
            case 0 -> m.invalidateAllUnprotected(true, true);
            case 1 -> {
                for (int e = 0; e < Tlb.ENTRIES; e++) if (!t.iprot(e) && t.tid(e) == spid) m.invalidate(e);
            }
            case 2 -> s.illegal();
            default -> {
                long ea = s.ea(s.raOrZero(ra(w)) + s.gpr[rb(w)]);
                int ind = (mas6 & Mas.SIND) != 0 ? Mas.IND : 0;
                int set = Tlb.tlb0(ea, 0);
                for (int e = set; e < set + Tlb.TLB0_WAYS; e++) invalidateVaPid(m, e, ea, spid, ind);
                for (int e = Tlb.TLB0_ENTRIES; e < Tlb.ENTRIES; e++) invalidateVaPid(m, e, ea, spid, ind);
            }
        }
    }

    /** tlbilx T=3 on one entry: TID 0 or SPID, IND as MAS6[SIND], EPN; MAS6[SAS] is ignored (QEMU). */
    private static void invalidateVaPid(Mmu m, int e, long ea, long spid, int ind) {
        Tlb t = m.tlb;
        int tid = t.tid(e);
        if (!t.iprot(e) && (tid == 0 || tid == spid) && (t.mas1[e] & Mas.IND) == ind && ((ea ^ t.mas2[e]) & t.mask(e)) == 0) {
            m.invalidate(e);
        }
    }

    /** MMUCSR0 write (6.7): TLB0_FI and TLB1_FI flash-invalidate (IPROT kept); nothing is stored. */
    public static void mmucsr0(CpuState s, long v) {
        boolean t0 = (v & Mas.TLB0_FI) != 0, t1 = (v & Mas.TLB1_FI) != 0;
        if (t0 || t1) s.mmu.invalidateAllUnprotected(t0, t1);
    }

    /**
     * The MAS values a TLB error loads (spec 7): MAS0 from MAS4[TLBSELD] and the victim counter,
     * MAS1 valid with the TID MAS4[TIDSELD] names, the address space used and MAS4[TSIZED], MAS2
     * the EA's page with MAS4's WIMGE, MAS3 = MAS7 = 0, MAS6 = PID0 and the address space.
     */
    public static void loadMissDefaults(CpuState s, long ea, int as) {
        Tlb t = s.mmu.tlb;
        long mas4 = s.sprs[Spr.slot(Spr.MAS4)];
        long tid = switch ((int) ((mas4 & Mas.TIDSELD) >>> 16)) {
            case 0 -> s.sprs[Spr.slot(Spr.PID)];
            case 1 -> s.sprs[Spr.slot(Spr.PID1)];
            case 2 -> s.sprs[Spr.slot(Spr.PID2)];
            default -> 0;
        };
        s.sprs[Spr.slot(Spr.MAS0)] = (mas4 & Mas.TLBSELD) | nextVictim(t);
        s.sprs[Spr.slot(Spr.MAS1)] = (Mas.V & MASK32) | ((tid << Mas.TID_SHIFT) & Mas.TID) | (as != 0 ? Mas.TS : 0) | (mas4 & Mas.TSIZED);
        s.sprs[Spr.slot(Spr.MAS2)] = (ea & ~0xFFFL) | (mas4 & Mas.WIMGE);
        s.sprs[Spr.slot(Spr.MAS3)] = 0;
        s.sprs[Spr.slot(Spr.MAS7)] = 0;
        s.sprs[Spr.slot(Spr.MAS6)] = ((s.sprs[Spr.slot(Spr.PID)] << 16) & 0xFFFF0000L) | as;
    }
}
