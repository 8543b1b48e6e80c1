package epaprlab.ppc.cpu;

import epaprlab.ppc.mem.GuestMemory;

/**
 * One Book E processor: architected state plus the interpreter loop.
 *
 * <p>CONTRACT SKELETON: the public methods below are what epapr-machine relies on. The
 * interpreter behind them is being written; keep these signatures.
 */
public final class Cpu {
    private final CpuModel model;
    private final GuestMemory memory;

    public Cpu(CpuModel model, GuestMemory memory) {
        this.model = model;
        this.memory = memory;
    }

    public CpuModel model() { return model; }
    public GuestMemory memory() { return memory; }

    /** Architected reset: all GPRs/SPRs 0 (PVR/PIR kept), MSR 0, PC 0, no IVOR installed. */
    public void reset() { throw new UnsupportedOperationException("interpreter pending"); }

    /** Runs at most {@code budget} instructions; returns why it stopped. */
    public StopReason run(long budget) { throw new UnsupportedOperationException("interpreter pending"); }

    /** Asks a running {@link #run} to return {@link StopReason#KICKED} soon; callable from any thread. */
    public void requestStop() { throw new UnsupportedOperationException("interpreter pending"); }

    public long instructionsRetired() { throw new UnsupportedOperationException("interpreter pending"); }

    public long gpr(int n) { throw new UnsupportedOperationException(); }
    public void setGpr(int n, long value) { throw new UnsupportedOperationException(); }
    public long pc() { throw new UnsupportedOperationException(); }
    public void setPc(long value) { throw new UnsupportedOperationException(); }
    public long msr() { throw new UnsupportedOperationException(); }
    public void setMsr(long value) { throw new UnsupportedOperationException(); }
    public int cr() { throw new UnsupportedOperationException(); }
    public void setCr(int value) { throw new UnsupportedOperationException(); }
    public long lr() { throw new UnsupportedOperationException(); }
    public void setLr(long value) { throw new UnsupportedOperationException(); }
    public long ctr() { throw new UnsupportedOperationException(); }
    public void setCtr(long value) { throw new UnsupportedOperationException(); }
    public long xer() { throw new UnsupportedOperationException(); }
    public void setXer(long value) { throw new UnsupportedOperationException(); }
    /** Host view of an SPR by number: no privilege check, no side effects beyond the write. */
    public long spr(int n) { throw new UnsupportedOperationException(); }
    public void setSpr(int n, long value) { throw new UnsupportedOperationException(); }
    /** MSR[CM]: 64-bit computation mode (always false on e500mc). */
    public boolean is64BitMode() { throw new UnsupportedOperationException(); }

    // Details of the last UNHANDLED_INTERRUPT stop.
    /** IVOR number (0..42) of the interrupt that had no handler. */
    public int stopInterrupt() { throw new UnsupportedOperationException(); }
    public long stopPc() { throw new UnsupportedOperationException(); }
    public int stopInsn() { throw new UnsupportedOperationException(); }
    /** Human-readable cause, e.g. "program interrupt (illegal instruction), IVOR6 not installed". */
    public String stopDetail() { throw new UnsupportedOperationException(); }
}
