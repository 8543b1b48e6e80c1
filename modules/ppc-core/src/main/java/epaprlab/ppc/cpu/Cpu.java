package epaprlab.ppc.cpu;

import epaprlab.ppc.exec.CpuState;
import epaprlab.ppc.exec.Interpreter;
import epaprlab.ppc.exec.SystemRegisters;
import epaprlab.ppc.mem.GuestMemory;

/**
 * One Book E processor: architected state plus the interpreter loop.
 *
 * <p>Registers are 64-bit for both models. In 32-bit mode (MSR[CM]=0, always on e500mc) results
 * are computed as on a 64-bit implementation while CR0, CA, OV, effective addresses and branch
 * targets use the low 32 bits. Address translation is not modelled yet: EA == physical address.
 *
 * <p>Not thread-safe except {@link #requestStop()}: one thread runs a CPU at a time.
 */
public final class Cpu {
    private final CpuModel model;
    private final GuestMemory memory;
    private final Interpreter interp;
    private final CpuState s;

    public Cpu(CpuModel model, GuestMemory memory) {
        this.model = model;
        this.memory = memory;
        this.interp = new Interpreter(model, memory);
        this.s = interp.state();
        interp.reset();
    }

    public CpuModel model() { return model; }
    public GuestMemory memory() { return memory; }

    /**
     * Architected reset: all GPRs/FPRs/SPRs and the FPSCR 0 (PVR = the model's, PIR kept), MSR 0,
     * PC 0, CR/LR/CTR/XER 0, time base 0, no IVOR installed, reservation cleared,
     * {@link #instructionsRetired()} 0.
     */
    public void reset() { interp.reset(); }

    /**
     * Runs at most {@code budget} instructions; returns why it stopped. Never throws for any
     * guest instruction word.
     */
    public StopReason run(long budget) { return interp.run(budget); }

    /**
     * Asks a running {@link #run} to return {@link StopReason#KICKED} soon (within about 1000
     * instructions); callable from any thread. A request made while not running makes the next
     * {@code run} return {@code KICKED} at once. The request is consumed by that return.
     */
    public void requestStop() { interp.requestStop(); }

    /** Instructions executed since reset (including ones that raised a delivered interrupt). */
    public long instructionsRetired() { return s.retired; }

    public long gpr(int n) { return s.gpr[n]; }
    public void setGpr(int n, long value) { s.gpr[n] = value; }
    public long pc() { return s.pc; }
    /** Sets the next instruction address (low two bits dropped; truncated to 32 bits in 32-bit mode). */
    public void setPc(long value) { s.pc = s.ea(value & ~3L); }
    public long msr() { return s.msr; }
    /**
     * Writes the MSR; bits the model lacks (CM on e500mc, the upper word) read as 0. Leaving
     * 64-bit mode truncates PC to 32 bits.
     */
    public void setMsr(long value) {
        s.setMsr(value);
        s.pc = s.ea(s.pc);
    }
    public int cr() { return s.cr; }
    public void setCr(int value) { s.cr = value; }
    public long lr() { return s.lr; }
    public void setLr(long value) { s.lr = value; }
    public long ctr() { return s.ctr; }
    public void setCtr(long value) { s.ctr = value; }
    public long xer() { return s.xer(); }
    public void setXer(long value) { s.setXer(value); }

    // ---- floating point ----
    /** FPR {@code n} as raw IEEE 754 binary64 bits. */
    public long fpr(int n) { return s.fpr[n]; }
    public void setFpr(int n, long bits) { s.fpr[n] = bits; }
    /** The FPSCR (32-bit image; FEX and VX as stored, not recomputed). */
    public int fpscr() { return s.fpscr; }
    public void setFpscr(int value) { s.fpscr = value; }

    /** Host view of an SPR by number: no privilege check, no side effects beyond the write. */
    public long spr(int n) {
        checkSpr(n);
        return SystemRegisters.read(s, n);
    }

    /**
     * Host write of an SPR by number: no privilege check; read-only registers (PIR, PVR, ...) are
     * written too, TSR is stored as given (not write-one-to-clear), and writing an IVOR installs
     * it, as a guest mtspr would.
     */
    public void setSpr(int n, long value) {
        checkSpr(n);
        if (n == Spr.TSR) s.spr[n] = model.has64Bit() ? value : value & 0xFFFFFFFFL;
        else SystemRegisters.write(s, n, value);
    }

    /** True when SPR {@code n} exists on this model (as seen by guest mfspr/mtspr). */
    public boolean sprImplemented(int n) {
        checkSpr(n);
        return SystemRegisters.implemented(s, n);
    }

    /** MSR[CM]: 64-bit computation mode (always false on e500mc). */
    public boolean is64BitMode() { return s.cm; }

    /** The 64-bit time base (advances by one per executed instruction for now). */
    public long timeBase() { return s.tb(); }

    /** True when the reservation set by lwarx/ldarx is still held. */
    public boolean hasReservation() { return s.resValid; }

    /** The mnemonic family this core decodes {@code word} to (e.g. "add"), or "(illegal)". */
    public String mnemonic(int word) { return interp.table().name(word); }

    /** The last engine bug (Java exception in a handler) turned into an illegal instruction, or null. */
    public RuntimeException lastEngineError() { return interp.lastEngineError(); }

    // Details of the last UNHANDLED_INTERRUPT stop.
    /** IVOR number (0..42) of the interrupt that had no handler; -1 before any such stop. */
    public int stopInterrupt() { return s.stopInterrupt; }
    public long stopPc() { return s.stopPc; }
    public int stopInsn() { return s.stopInsn; }
    /** Human-readable cause, e.g. "program interrupt (illegal instruction) but IVOR6 was never set". */
    public String stopDetail() { return s.stopDetail; }

    private static void checkSpr(int n) {
        if (n < 0 || n > 1023) throw new IllegalArgumentException("SPR number out of range: " + n);
    }
}
