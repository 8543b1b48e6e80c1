package epaprlab.ppc.exec;

import epaprlab.ppc.cpu.Spr;
import static epaprlab.ppc.decode.Fields.*;

import epaprlab.ppc.mmu.TlbInstructions;

/**
 * Storage control: fences, cache management and TLB management. The vCPUs of one VM run on
 * different host threads over one RAM, so the fences are real Java fences; with no caches
 * modelled, cache hints are no-ops and dcbz zeroes its line.
 */
public final class StorageControl {
    private StorageControl() {}

    /** L1 cache line of e500mc/e5500 (spec 5.6). */
    public static final int LINE = 64;

    /**
     * sync (L = 0, heavyweight; msync on Book E) orders every earlier access before every later
     * one: a full fence. lwsync (L = 1) orders all but store→load: acquire plus release fence.
     */
    public static void sync(CpuState s, int w) {
        if (((w >>> 21) & 3) == 1) {
            java.lang.invoke.VarHandle.acquireFence();
            java.lang.invoke.VarHandle.releaseFence();
        } else {
            java.lang.invoke.VarHandle.fullFence();
        }
    }

    /** mbar (eieio) orders storage accesses to memory and to devices: a full fence. */
    public static void mbar(CpuState s, int w) { java.lang.invoke.VarHandle.fullFence(); }

    /**
     * isync discards prefetched instructions; after a conditional branch on a lwarx/stwcx.
     * result it is the classic acquire barrier, so later loads must not be hoisted above it.
     */
    public static void isync(CpuState s, int w) { java.lang.invoke.VarHandle.acquireFence(); }

    /** Cache hints: never fault. */
    public static void dcbt(CpuState s, int w) {}
    public static void dcbtst(CpuState s, int w) {}
    public static void dcba(CpuState s, int w) {}
    public static void icbt(CpuState s, int w) {}

    /**
     * dcbtls (the one cache-locking instruction QEMU 7.2 decodes; dcbtstls, icbtls, dcblc and
     * icblc are illegal there and here): locking always fails, so it only sets L1CSR0[CUL]. No
     * privilege check, as in QEMU; CT bit 6 or Rc set make it illegal, as QEMU's invalid mask.
     */
    public static void dcbtls(CpuState s, int w) {
        if ((w & DCBTLS_INVALID) != 0) { s.illegal(); return; }
        s.sprs[Spr.slot(epaprlab.ppc.cpu.Spr.L1CSR0)] |= SystemRegisters.L1CSR0_CUL;
    }

    private static final int DCBTLS_INVALID = 0x02000001;

    // Cache maintenance has nothing to maintain. With BOOK_E translation the MMU still sees it as
    // QEMU 7.2 does: dcbf/dcbst as a byte load, icbi as a word load of the line, dcbi as a byte
    // load and store, so an unmapped or protected address raises the TLB error or DSI.

    public static void dcbf(CpuState s, int w) { if (s.bookE) s.load8(xEa(s, w)); }
    public static void dcbst(CpuState s, int w) { if (s.bookE) s.load8(xEa(s, w)); }
    /** icbi: the decode cache is invalidated by stores already. */
    public static void icbi(CpuState s, int w) { if (s.bookE) s.load32(xEa(s, w) & ~(long) (LINE - 1)); }

    /** dcbi: privileged. */
    public static void dcbi(CpuState s, int w) {
        if (s.privileged() || !s.bookE) return;
        long ea = xEa(s, w);
        s.store8(ea, s.load8(ea));
    }

    private static long xEa(CpuState s, int w) { return s.ea(s.raOrZero(ra(w)) + s.gpr[rb(w)]); }

    /** dcbz: zeroes the naturally aligned 64-byte line holding EA (a store for DSI purposes). */
    public static void dcbz(CpuState s, int w) {
        s.zero(xEa(s, w) & ~(long) (LINE - 1), LINE);
    }

    // TLB management: supervisor-only; privileged no-ops with FLAT translation, the Book E MMU
    // (epaprlab.ppc.mmu.TlbInstructions) with BOOK_E. Each ends its block (DecodeTable), so the
    // next fetch is translated again.
    public static void tlbre(CpuState s, int w) { if (!s.privileged() && s.bookE) TlbInstructions.tlbre(s); }
    public static void tlbwe(CpuState s, int w) { if (!s.privileged() && s.bookE) TlbInstructions.tlbwe(s); }
    public static void tlbsx(CpuState s, int w) { if (!s.privileged() && s.bookE) TlbInstructions.tlbsx(s, w); }
    public static void tlbivax(CpuState s, int w) { if (!s.privileged() && s.bookE) TlbInstructions.tlbivax(s, w); }
    public static void tlbilx(CpuState s, int w) { if (!s.privileged() && s.bookE) TlbInstructions.tlbilx(s, w); }
    public static void tlbsync(CpuState s, int w) { if (!s.privileged() && s.bookE) TlbInstructions.tlbsync(s); }
}
