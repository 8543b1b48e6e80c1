package epaprlab.ppc.interrupt;

import epaprlab.ppc.cpu.Esr;
import epaprlab.ppc.cpu.Msr;
import epaprlab.ppc.cpu.ProgramCause;
import epaprlab.ppc.cpu.Spr;
import epaprlab.ppc.cpu.StopReason;
import epaprlab.ppc.exec.CpuState;
import epaprlab.ppc.mmu.TlbInstructions;

/**
 * Book E interrupt delivery (spec 5.3). Every entry point first checks that the guest installed
 * the vector (wrote the IVOR since reset); when it did not, nothing is changed and the CPU stops
 * with {@link StopReason#UNHANDLED_INTERRUPT} at the faulting instruction.
 *
 * <p>With BOOK_E translation (the ppce500 board) two details follow QEMU 7.2 instead of KVM
 * (booke-mmu.md section 8): base-class interrupts keep only MSR[ME] (CE and DE are cleared too),
 * and a Program interrupt ORs its reason bit into SRR1 (0x80000 illegal, 0x40000 privileged,
 * 0x20000 trap, 0x100000 FP). FLAT mode keeps KVM's behaviour.
 */
public final class Delivery {
    private Delivery() {}

    private static final long BASE_KEEP = Msr.CE | Msr.ME | Msr.DE;

    /** Program interrupt (IVOR6): SRR0 = faulting instruction, ESR = exactly the cause bit. */
    public static void program(CpuState s, ProgramCause cause) {
        if (missing(s, Ivor.PROGRAM)) { stop(s, Ivor.PROGRAM, "program interrupt (" + cause.text() + ")"); return; }
        s.sprs[Spr.slot(Spr.ESR)] = cause.esrBit();
        long srr1 = s.msr;
        if (s.bookE) {
            srr1 |= switch (cause) {
                case ILLEGAL -> 0x00080000L;
                case PRIVILEGED -> 0x00040000L;
                case TRAP -> 0x00020000L;
                case FP -> 0x00100000L;
                case UNIMPLEMENTED -> 0;
            };
        }
        s.sprs[Spr.slot(Spr.SRR0)] = s.pc;
        s.sprs[Spr.slot(Spr.SRR1)] = srr1;
        enter(s, Ivor.PROGRAM, s.msr & baseKeep(s));
    }

    /** Data storage interrupt (IVOR2) for an access outside RAM: DEAR = EA, ESR = ST for stores else 0. */
    public static void dataStorage(CpuState s, long ea, long esr) { dataStorage(s, ea, esr, "outside RAM"); }

    /** Data storage interrupt (IVOR2); {@code why} (a constant) goes into the stop detail. */
    public static void dataStorage(CpuState s, long ea, long esr, String why) {
        if (missing(s, Ivor.DATA_STORAGE)) {
            stop(s, Ivor.DATA_STORAGE, "data storage interrupt (%s at 0x%x %s)".formatted(esr != 0 ? "store" : "load", ea, why));
            return;
        }
        s.sprs[Spr.slot(Spr.DEAR)] = ea;
        s.sprs[Spr.slot(Spr.ESR)] = esr;
        base(s, Ivor.DATA_STORAGE, s.pc);
    }

    /** Alignment interrupt (IVOR5): DEAR = EA, ESR = ST for stores else 0. */
    public static void alignment(CpuState s, long ea, long esr) {
        if (missing(s, Ivor.ALIGNMENT)) {
            stop(s, Ivor.ALIGNMENT, "alignment interrupt (%s at 0x%x)".formatted(esr != 0 ? "store" : "load", ea));
            return;
        }
        s.sprs[Spr.slot(Spr.DEAR)] = ea;
        s.sprs[Spr.slot(Spr.ESR)] = esr;
        base(s, Ivor.ALIGNMENT, s.pc);
    }

    /** Instruction storage interrupt (IVOR3) for a fetch outside RAM: ESR = 0. */
    public static void instructionStorage(CpuState s) { instructionStorage(s, "outside RAM"); }

    /** Instruction storage interrupt (IVOR3) at PC: ESR = 0, DEAR unchanged. */
    public static void instructionStorage(CpuState s, String why) {
        if (missing(s, Ivor.INSTRUCTION_STORAGE)) {
            stop(s, Ivor.INSTRUCTION_STORAGE, "instruction storage interrupt (fetch at 0x%x %s)".formatted(s.pc, why));
            return;
        }
        s.sprs[Spr.slot(Spr.ESR)] = 0;
        base(s, Ivor.INSTRUCTION_STORAGE, s.pc);
    }

    /**
     * Data TLB error (IVOR13), QEMU's values (spec 7): SRR0 = the instruction, ESR = ST for a
     * store else 0, DEAR = EA, MAS registers loaded with the miss defaults.
     */
    public static void dataTlbError(CpuState s, long ea, boolean store, int as) {
        if (missing(s, Ivor.DTLB_ERROR)) {
            stop(s, Ivor.DTLB_ERROR, "data TLB error (%s at EA 0x%x, no TLB entry)".formatted(store ? "store" : "load", ea));
            return;
        }
        s.sprs[Spr.slot(Spr.ESR)] = store ? Esr.ST : 0;
        s.sprs[Spr.slot(Spr.DEAR)] = ea;
        TlbInstructions.loadMissDefaults(s, ea, as);
        base(s, Ivor.DTLB_ERROR, s.pc);
    }

    /**
     * Instruction TLB error (IVOR14) for the fetch at PC, QEMU's values (spec 7): SRR0 = PC,
     * ESR = 0, DEAR = PC (a QEMU quirk), MAS registers loaded with the miss defaults.
     */
    public static void instructionTlbError(CpuState s, int as) {
        if (missing(s, Ivor.ITLB_ERROR)) {
            stop(s, Ivor.ITLB_ERROR, "instruction TLB error (fetch at EA 0x%x, no TLB entry)".formatted(s.pc));
            return;
        }
        s.sprs[Spr.slot(Spr.ESR)] = 0;
        s.sprs[Spr.slot(Spr.DEAR)] = s.pc;
        TlbInstructions.loadMissDefaults(s, s.pc, as);
        base(s, Ivor.ITLB_ERROR, s.pc);
    }

    /**
     * Stops the CPU at the executing instruction for something the engine does not model (a
     * fetch outside RAM), as an unhandled machine check with {@code detail}.
     */
    public static void stopUnsupported(CpuState s, String detail) {
        stop(s, Ivor.MACHINE_CHECK, "");
        s.stopDetail = detail;
    }

    /** System call interrupt (IVOR8): SRR0 = next instruction; ESR unchanged. */
    public static void systemCall(CpuState s) {
        if (missing(s, Ivor.SYSTEM_CALL)) { stop(s, Ivor.SYSTEM_CALL, "system call interrupt"); return; }
        base(s, Ivor.SYSTEM_CALL, s.nia);
    }

    /**
     * Delivers interrupt {@code ivor} with save/restore registers and MSR rule of its class:
     * critical (critical input, watchdog, doorbell critical: CSRR0/1, MSR &= ME), machine check
     * (MCSRR0/1, MSR = 0), debug (DSRR0/1, MSR &= ME; e500mc/e5500 have the debug level), base
     * (SRR0/1, MSR &= CE|ME|DE) otherwise. The enable gating (MSR[EE]/[CE]/[ME]/[DE]) is the
     * caller's decision. For an interrupt between instructions {@code srr0} is the next
     * instruction to run. Returns false (and records the stop) when the IVOR was never written.
     */
    public static boolean deliver(CpuState s, int ivor, long srr0) {
        if (missing(s, ivor)) { stop(s, ivor, Ivor.name(ivor) + " interrupt"); return false; }
        switch (ivor) {
            case Ivor.CRITICAL_INPUT, Ivor.WATCHDOG, Ivor.DOORBELL_CRITICAL ->
                    save(s, ivor, Spr.CSRR0, Spr.CSRR1, srr0, s.msr & Msr.ME);
            case Ivor.MACHINE_CHECK -> save(s, ivor, Spr.MCSRR0, Spr.MCSRR1, srr0, 0);
            case Ivor.DEBUG -> save(s, ivor, Spr.DSRR0, Spr.DSRR1, srr0, s.msr & Msr.ME);
            default -> base(s, ivor, srr0);
        }
        return true;
    }

    private static void save(CpuState s, int ivor, int sr0, int sr1, long srr0, long newMsr) {
        s.sprs[Spr.slot(sr0)] = srr0;
        s.sprs[Spr.slot(sr1)] = s.msr;
        enter(s, ivor, newMsr);
    }

    // The stop text is built only when the vector is missing: delivery itself allocates nothing.
    private static boolean missing(CpuState s, int ivor) { return (s.ivorInstalled & (1L << ivor)) == 0; }

    /** The CPU stays at the faulting instruction (NIA = PC, which also ends a block early). */
    private static void stop(CpuState s, int ivor, String what) {
        s.stop = StopReason.UNHANDLED_INTERRUPT;
        s.nia = s.pc;
        s.stopInterrupt = ivor;
        s.stopPc = s.pc;
        s.stopInsn = s.wordAt(s.pc);
        s.stopDetail = what + " but IVOR" + ivor + " was never set";
    }

    /** Base class: SRR0/SRR1, MSR &= CE|ME|DE (BOOK_E: ME), CM from EPCR[ICM] on 64-bit cores. */
    private static void base(CpuState s, int ivor, long srr0) {
        save(s, ivor, Spr.SRR0, Spr.SRR1, srr0, s.msr & baseKeep(s));
    }

    private static long baseKeep(CpuState s) { return s.bookE ? Msr.ME : BASE_KEEP; }

    private static void enter(CpuState s, int ivor, long newMsr) {
        if (s.has64 && (s.sprs[Spr.slot(Spr.EPCR)] & Spr.EPCR_ICM) != 0) newMsr |= Msr.CM;
        s.setMsr(newMsr);
        s.resValid = false;
        s.nia = vector(s, ivor);
    }

    /** (IVPR & ~0xFFFF) | (IVORn & 0xFFF0), truncated to the (new) mode. */
    public static long vector(CpuState s, int ivor) {
        return ((s.sprs[Spr.slot(Spr.IVPR)] & ~0xFFFFL) | (s.sprs[Spr.slot(Spr.ivorSpr(ivor))] & 0xFFF0L)) & s.eaMask;
    }
}
