package epaprlab.ppc.exec;

import static epaprlab.ppc.decode.Fields.*;

import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.Msr;
import epaprlab.ppc.cpu.ProgramCause;
import epaprlab.ppc.cpu.Spr;
import epaprlab.ppc.mmu.TlbInstructions;

/**
 * mfspr/mtspr, the MSR instructions and the time base. Which SPR numbers exist, and which may be
 * read or written in supervisor and in user state, is QEMU 7.2's e500mc/e5500 register set
 * ({@code init_proc_e500}), measured number by number by {@code SprQemuDifferentialTest}. An
 * access the SPR does not allow in the current state (a user read of SRR0, a write of PVR or of a
 * configuration register, a read of DECAR or of the SPRG3..7 user views' writes) is a Program
 * interrupt ESR[PPR]; a number the model does not have is QEMU's "invalid SPR": a no-op in
 * supervisor state (the register is left as it was) except SPR 0 (and 4, 5, 6 on reads), which
 * are ESR[PPR] like every unknown number in user state. MAS registers hold 32 bits except MAS2
 * (64 on e5500); MAS7_MAS3 (e5500) is MAS7:MAS3. With BOOK_E translation, MMUCSR0 writes
 * flash-invalidate and it reads 0, and a PID change flushes the software TLB.
 */
public final class SystemRegisters {
    private SystemRegisters() {}

    /** Supervisor read and write, user read and write, e5500 only. */
    static final byte R = 1, W = 2, UR = 4, UW = 8, E5500_ONLY = 16;
    private static final byte[] ACCESS = new byte[1024];

    private static void def(int spr, int flags) {
        if (ACCESS[spr] != 0) throw new IllegalStateException("SPR " + spr + " defined twice");
        if (Spr.slot(spr) == 0) throw new IllegalStateException("SPR " + spr + " has no storage slot (Spr.STORED)");
        ACCESS[spr] = (byte) flags;
    }

    private static void defRange(int first, int last, int flags) {
        for (int n = first; n <= last; n++) def(n, flags);
    }

    static {
        int rw = R | W, ro = R, all = R | W | UR | UW;
        def(Spr.XER, all); def(Spr.LR, all); def(Spr.CTR, all);
        def(Spr.DEC, rw); def(Spr.SRR0, rw); def(Spr.SRR1, rw); def(Spr.PID, rw); def(Spr.DECAR, W);
        def(Spr.CSRR0, rw); def(Spr.CSRR1, rw); def(Spr.DEAR, rw); def(Spr.ESR, rw); def(Spr.IVPR, rw);
        def(Spr.USPRG0, all);
        defRange(Spr.SPRG3_RO, Spr.SPRG7_RO, R | UR);
        def(Spr.TBL_R, R | UR); def(Spr.TBU_R, R | UR);
        defRange(Spr.SPRG0, Spr.SPRG7, rw);
        def(Spr.TBL_W, rw | UR); def(Spr.TBU_W, rw | UR);      // QEMU reads the time base through them too
        def(Spr.PIR, rw); def(Spr.PVR, ro);
        def(Spr.DBSR, rw); def(Spr.EPCR, rw | E5500_ONLY);
        def(Spr.DBCR0, rw); def(Spr.DBCR1, rw); def(Spr.DBCR2, rw);
        def(Spr.IAC1, rw); def(Spr.IAC2, rw); def(Spr.DAC1, rw); def(Spr.DAC2, rw);
        def(Spr.TSR, rw); def(Spr.TCR, rw);
        def(Spr.MAS7_MAS3, rw | E5500_ONLY); def(Spr.EPR, ro);
        defRange(Spr.IVOR0, Spr.IVOR0 + 15, rw);
        defRange(Spr.IVOR38, Spr.IVOR38 + 3, rw);
        def(Spr.SPEFSCR, all); def(Spr.BBEAR, rw); def(Spr.BBTAR, rw);
        def(Spr.L1CFG0, R | UR); def(Spr.L1CFG1, R | UR); def(Spr.NPIDR, rw);
        defRange(Spr.IVOR32 + 1, Spr.IVOR32 + 5, rw);
        defRange(Spr.MCSRR0, Spr.DSRR1, rw);
        def(Spr.SPRG8, rw); def(Spr.SPRG9, rw);
        defRange(Spr.MAS0, Spr.MAS4, rw); def(Spr.MAS6, rw); def(Spr.MAS7, rw);
        def(Spr.EPLC, rw); def(Spr.EPSC, rw);
        def(Spr.PID1, rw); def(Spr.PID2, rw);
        def(Spr.TLB0CFG, ro); def(Spr.TLB1CFG, ro);
        def(Spr.HID0, rw); def(Spr.HID1, rw); def(Spr.L1CSR0, rw); def(Spr.L1CSR1, rw); def(Spr.MMUCSR0, rw);
        def(Spr.BUCSR, rw); def(Spr.MMUCFG, ro); def(Spr.L2CSR0, rw); def(Spr.SVR, ro);
    }

    /** L1CSRn[CPE] | L1CSRn[CE]: what a write to L1CSR0/L1CSR1 keeps. */
    static final long L1CSR_KEPT = 0x00010001L;
    /** L2CSR0[L2FI] | L2CSR0[L2FL] | L2CSR0[L2LFC]. */
    static final long L2CSR0_SELF_CLEARING = 0x00200C00L;
    /** EPLC/EPSC: the bits QEMU 7.2 keeps of a write (EPR, EAS and the low 8 bits of EPID; measured). */
    static final long EPLC_KEPT = 0xC00000FFL;
    /** L1CSR0[CUL]: cache unable to lock, set by dcbtls. */
    static final long L1CSR0_CUL = 0x00000400L;

    /** True when {@code model} implements SPR {@code n} (any access). */
    public static boolean implemented(CpuState s, int n) {
        int a = ACCESS[n];
        return a != 0 && ((a & E5500_ONLY) == 0 || s.has64);
    }

    /** True when {@code model} implements SPR {@code n}: the table guest mfspr/mtspr follow, for host tools (gdb). */
    public static boolean implemented(CpuModel model, int n) {
        int a = ACCESS[n];
        return a != 0 && ((a & E5500_ONLY) == 0 || model.has64Bit());
    }

    /** True when a supervisor {@code mtspr} may write SPR {@code n} on {@code model}. */
    public static boolean writable(CpuModel model, int n) { return implemented(model, n) && (ACCESS[n] & W) != 0; }

    /**
     * Checks existence and privilege; raises the Program interrupt and returns false when denied,
     * returns false without an interrupt for QEMU's supervisor no-op on a number the model lacks.
     */
    private static boolean allowed(CpuState s, int n, boolean write) {
        boolean user = s.user();
        if (!implemented(s, n)) {
            if (user || n == 0 || (!write && n >= 4 && n <= 6)) s.program(ProgramCause.PRIVILEGED);
            return false;
        }
        int need = user ? (write ? UW : UR) : (write ? W : R);
        if ((ACCESS[n] & need) == 0) { s.program(ProgramCause.PRIVILEGED); return false; }
        return true;
    }

    public static void mfspr(CpuState s, int w) {
        int n = spr(w);
        if (!allowed(s, n, false)) return;
        s.gpr[rt(w)] = read(s, n);
    }

    public static void mtspr(CpuState s, int w) {
        int n = spr(w);
        if (!allowed(s, n, true)) return;
        write(s, n, s.gpr[rs(w)]);
    }

    /** mftb: TBR 268 (TB; the whole 64 bits on 64-bit cores) or 269 (TBU); others are illegal. */
    public static void mftb(CpuState s, int w) {
        int n = spr(w);
        if (n != Spr.TBL_R && n != Spr.TBU_R) { s.illegal(); return; }
        s.gpr[rt(w)] = read(s, n);
    }

    public static void mfmsr(CpuState s, int w) {
        if (s.privileged()) return;
        s.gpr[rt(w)] = s.msr;
    }

    /**
     * mtmsr. With BOOK_E translation as QEMU 7.2 (MsrQemuDifferentialTest): MSR[ME] keeps its
     * value, and with bit 15 (L, Book III-S's field, reserved in Book E) set only EE and RI are
     * written. FLAT mode writes every bit the core has, as KVM on e500mc hardware.
     */
    public static void mtmsr(CpuState s, int w) {
        if (s.privileged()) return;
        long keep = !s.bookE ? 0 : (w & MTMSR_L) != 0 ? ~(Msr.EE | Msr.RI) : Msr.ME;
        s.setMsr((s.gpr[rs(w)] & ~keep) | (s.msr & keep));
        s.nia = s.ea(s.nia);
        s.limit = 0;                    // may unmask an interrupt
    }

    private static final int MTMSR_L = 0x00010000;

    public static void wrtee(CpuState s, int w) {
        if (s.privileged()) return;
        s.setMsr((s.msr & ~Msr.EE) | (s.gpr[rs(w)] & Msr.EE));
        s.limit = 0;
    }

    public static void wrteei(CpuState s, int w) {
        if (s.privileged()) return;
        s.setMsr(e(w) ? s.msr | Msr.EE : s.msr & ~Msr.EE);
        s.limit = 0;
    }

    // ---- register file view shared with the host ---------------------------------------------

    /** Reads SPR {@code n} with its behaviour (no privilege check). */
    public static long read(CpuState s, int n) {
        return switch (n) {
            case Spr.XER -> s.xer();
            case Spr.LR -> s.lr;
            case Spr.CTR -> s.ctr;
            case Spr.SPRG3_RO, Spr.SPRG4_RO, Spr.SPRG5_RO, Spr.SPRG6_RO, Spr.SPRG7_RO ->
                    s.sprs[Spr.slot(Spr.SPRG3 + (n - Spr.SPRG3_RO))];
            case Spr.TBL_R, Spr.TBL_W -> s.has64 ? s.guestTb() : s.guestTb() & CpuState.MASK32;
            case Spr.TBU_R, Spr.TBU_W -> s.guestTb() >>> 32;
            case Spr.DEC -> s.timers.readDec(s);
            case Spr.TSR -> s.timers.readTsr(s);
            case Spr.MAS7_MAS3 -> (s.sprs[Spr.slot(Spr.MAS7)] << 32) | (s.sprs[Spr.slot(Spr.MAS3)] & CpuState.MASK32);
            case Spr.MMUCSR0 -> s.bookE ? 0 : s.sprs[Spr.slot(n)];
            default -> s.sprs[Spr.slot(n)];       // slot 0 (no storage) always holds 0
        };
    }

    /**
     * Writes SPR {@code n} with its behaviour (no privilege check): IVOR writes install the
     * vector, TSR is write-one-to-clear for the guest ({@code guest}), TBL/TBU move the time base.
     * On cores without the 64-bit category SPRs hold 32 bits.
     */
    public static void write(CpuState s, int n, long v) {
        if (!s.has64) v &= CpuState.MASK32;
        switch (n) {
            case Spr.XER -> s.setXer(v);
            case Spr.LR -> s.lr = v;
            case Spr.CTR -> s.ctr = v;
            // timers: brought up to date first, and the loop looks at them right after (limit = 0)
            case Spr.TBL_W, Spr.TBL_R -> setTb(s, (s.tb() & ~CpuState.MASK32) | (v & CpuState.MASK32));
            case Spr.TBU_W, Spr.TBU_R -> setTb(s, (v << 32) | (s.tb() & CpuState.MASK32));
            case Spr.TSR -> { s.timers.clearTsr(s, v); s.limit = 0; }
            case Spr.TCR -> { s.timers.writeTcr(s, v); s.limit = 0; }
            case Spr.DEC -> { s.timers.writeDec(s, v); s.limit = 0; }
            case Spr.DECAR -> { s.timers.sync(s); s.sprs[Spr.slot(n)] = v & CpuState.MASK32; s.limit = 0; }
            case Spr.PIR -> { s.sprs[Spr.slot(n)] = v; s.pending.setPir(v); }
            case Spr.MAS7_MAS3 -> { s.sprs[Spr.slot(Spr.MAS7)] = v >>> 32; s.sprs[Spr.slot(Spr.MAS3)] = v & CpuState.MASK32; }
            case Spr.MAS0, Spr.MAS1, Spr.MAS3, Spr.MAS4, Spr.MAS6, Spr.MAS7 -> s.sprs[Spr.slot(n)] = v & CpuState.MASK32;
            case Spr.PID, Spr.PID1, Spr.PID2 -> {
                // the software TLB caches translations made under the old PIDs
                if (s.bookE && s.sprs[Spr.slot(n)] != v) s.mmu.soft.flush();
                s.sprs[Spr.slot(n)] = v;
            }
            // cache control: the flash-invalidate and lock-clear bits self-clear at once (no cache
            // to wait for); of L1CSR0/1 only the enable and parity-enable bits stay, as in QEMU 7.2
            case Spr.L1CSR0, Spr.L1CSR1 -> s.sprs[Spr.slot(n)] = v & L1CSR_KEPT;
            case Spr.L2CSR0 -> s.sprs[Spr.slot(n)] = v & ~L2CSR0_SELF_CLEARING;
            case Spr.EPLC, Spr.EPSC -> s.sprs[Spr.slot(n)] = v & EPLC_KEPT;
            case Spr.MMUCSR0 -> {
                if (s.bookE) TlbInstructions.mmucsr0(s, v);
                else s.sprs[Spr.slot(n)] = v;
            }
            default -> {
                int k = Spr.slot(n);
                if (k != 0) s.sprs[k] = v;
                int ivor = Spr.ivorOf(n);
                if (ivor >= 0) s.ivorInstalled |= 1L << ivor;
            }
        }
    }

    private static void setTb(CpuState s, long tb) {
        s.timers.writeTb(s, tb);
        s.sharedTb.written(tb);     // the one time base was written: reads go on from here
        s.limit = 0;
    }
}
