package epaprlab.ppc.interrupt;

import epaprlab.ppc.cpu.Msr;
import epaprlab.ppc.cpu.ProgramCause;
import epaprlab.ppc.cpu.Spr;
import epaprlab.ppc.cpu.StopReason;
import epaprlab.ppc.exec.CpuState;

/**
 * Book E interrupt delivery (spec 5.3). Every entry point first checks that the guest installed
 * the vector (wrote the IVOR since reset); when it did not, nothing is changed and the CPU stops
 * with {@link StopReason#UNHANDLED_INTERRUPT} at the faulting instruction.
 */
public final class Delivery {
    private Delivery() {}

    private static final long BASE_KEEP = Msr.CE | Msr.ME | Msr.DE;

    /** Program interrupt (IVOR6): SRR0 = faulting instruction, ESR = exactly the cause bit. */
    public static void program(CpuState s, ProgramCause cause) {
        if (missing(s, Ivor.PROGRAM)) { stop(s, Ivor.PROGRAM, "program interrupt (" + cause.text() + ")"); return; }
        s.spr[Spr.ESR] = cause.esrBit();
        base(s, Ivor.PROGRAM, s.pc);
    }

    /** Data storage interrupt (IVOR2): DEAR = EA, ESR = ST for stores else 0. */
    public static void dataStorage(CpuState s, long ea, long esr) {
        if (missing(s, Ivor.DATA_STORAGE)) {
            stop(s, Ivor.DATA_STORAGE, "data storage interrupt (%s at 0x%x outside RAM)".formatted(esr != 0 ? "store" : "load", ea));
            return;
        }
        s.spr[Spr.DEAR] = ea;
        s.spr[Spr.ESR] = esr;
        base(s, Ivor.DATA_STORAGE, s.pc);
    }

    /** Alignment interrupt (IVOR5): DEAR = EA, ESR = ST for stores else 0. */
    public static void alignment(CpuState s, long ea, long esr) {
        if (missing(s, Ivor.ALIGNMENT)) {
            stop(s, Ivor.ALIGNMENT, "alignment interrupt (%s at 0x%x)".formatted(esr != 0 ? "store" : "load", ea));
            return;
        }
        s.spr[Spr.DEAR] = ea;
        s.spr[Spr.ESR] = esr;
        base(s, Ivor.ALIGNMENT, s.pc);
    }

    /** Instruction storage interrupt (IVOR3) for a fetch outside RAM: ESR = 0. */
    public static void instructionStorage(CpuState s) {
        if (missing(s, Ivor.INSTRUCTION_STORAGE)) {
            stop(s, Ivor.INSTRUCTION_STORAGE, "instruction storage interrupt (fetch at 0x%x outside RAM)".formatted(s.pc));
            return;
        }
        s.spr[Spr.ESR] = 0;
        base(s, Ivor.INSTRUCTION_STORAGE, s.pc);
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
        s.spr[sr0] = srr0;
        s.spr[sr1] = s.msr;
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

    /** Base class: SRR0/SRR1, MSR &= CE|ME|DE, CM from EPCR[ICM] on 64-bit cores. */
    private static void base(CpuState s, int ivor, long srr0) {
        save(s, ivor, Spr.SRR0, Spr.SRR1, srr0, s.msr & BASE_KEEP);
    }

    private static void enter(CpuState s, int ivor, long newMsr) {
        if (s.has64 && (s.spr[Spr.EPCR] & Spr.EPCR_ICM) != 0) newMsr |= Msr.CM;
        s.setMsr(newMsr);
        s.resValid = false;
        s.nia = vector(s, ivor);
    }

    /** (IVPR & ~0xFFFF) | (IVORn & 0xFFF0), truncated to the (new) mode. */
    public static long vector(CpuState s, int ivor) {
        return ((s.spr[Spr.IVPR] & ~0xFFFFL) | (s.spr[Spr.ivorSpr(ivor)] & 0xFFF0L)) & s.eaMask;
    }
}
