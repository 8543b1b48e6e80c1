package epaprlab.ppc.exec;

import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.Esr;
import epaprlab.ppc.cpu.Msr;
import epaprlab.ppc.cpu.ProgramCause;
import epaprlab.ppc.cpu.Spr;
import epaprlab.ppc.cpu.StopReason;
import epaprlab.ppc.cpu.TimeSource;
import epaprlab.ppc.interrupt.Delivery;
import epaprlab.ppc.interrupt.DoorbellBus;
import epaprlab.ppc.interrupt.PendingInterrupts;
import epaprlab.ppc.mem.GuestMemory;
import epaprlab.ppc.mem.PhysicalBus;
import epaprlab.ppc.mmu.Mas;
import epaprlab.ppc.mmu.Mmu;
import epaprlab.ppc.mmu.SoftTlb;
import epaprlab.ppc.mmu.Translate;
import epaprlab.ppc.timer.SharedTimeBase;
import epaprlab.ppc.timer.Timers;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Architected state of one processor plus what the interpreter needs around it. Fields are
 * public for the engine's handler classes; this package is not exported.
 *
 * <p>Registers are 64-bit for both models. In 32-bit mode (MSR[CM]=0) results are computed as on
 * a 64-bit implementation, and {@link #eaMask} truncates effective addresses, branch targets and
 * the next-instruction address to 32 bits.
 */
public final class CpuState {
    static final VarHandle U16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    static final VarHandle U32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    static final VarHandle U64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    public static final long MASK32 = 0xFFFFFFFFL;

    public final CpuModel model;
    public final boolean has64;
    public final GuestMemory mem;
    public final byte[] ram;
    public final long ramSize;

    public final long[] gpr = new long[32];
    public int cr;
    public long lr, ctr;
    /** XER split: SO, OV, CA as 0/1; the rest (byte count etc.) in {@link #xerRest}. */
    public int so, ov, ca;
    public long xerRest;
    public long msr;
    /** MSR[CM] cached. */
    public boolean cm;
    /** -1 in 64-bit mode, 0xFFFFFFFF in 32-bit mode. */
    public long eaMask = MASK32;

    /** Address of the executing instruction (CIA) and of the next one (NIA, set by branches/interrupts). */
    public long pc, nia;

    /** Plain SPR storage by number (registers with behaviour are kept elsewhere). */
    public final long[] spr = new long[1024];
    /** Bit n set when IVORn was written since reset. */
    public long ivorInstalled;
    public long retired;

    // lwarx/ldarx reservation (value-based, like QEMU's cmpxchg implementation).
    public boolean resValid;
    public long resAddr;
    public long resValue;
    public int resSize;

    // ---- floating point (FloatingPoint) ----
    /** FPR0..31 as raw IEEE 754 binary64 bits. */
    public final long[] fpr = new long[32];
    /** FPSCR (bits 32..63 of the architected register). */
    public int fpscr;
    /** Scratch: exception flags of the executing FP operation ({@link FpArith}). */
    int fpFlags;

    /** Non-null when the executing instruction asks the loop to stop. */
    public StopReason stop;
    public int stopInterrupt = -1;
    public long stopPc;
    public int stopInsn;
    public String stopDetail = "";

    // ---- timers and asynchronous interrupts (epaprlab.ppc.timer, interrupt.AsyncInterrupts) -----

    /** Time base, DEC, FIT, watchdog. */
    public final Timers timers;
    /** The latest time base any CPU on this RAM has shown its guest (instruction time). */
    public final SharedTimeBase sharedTb;
    /** Requests from the host and other CPUs (thread-safe). */
    public final PendingInterrupts pending = new PendingInterrupts();
    /** The doorbell bus of this RAM. */
    public final DoorbellBus bus;
    /** Set by {@code wait} (and EV_IDLE) until an interrupt is taken; MSR[WE] waits too. */
    public boolean waiting;
    /**
     * The interpreter services timers and interrupts when {@link #retired} reaches this; handlers
     * that can unmask or change an interrupt set it to 0 to be serviced right after they retire.
     */
    public long limit;
    /** Wall-clock idle: System.nanoTime() of the next armed timer event, -1 for none. */
    public long idleDeadline = -1;
    /** Time base at the last watchdog final expiry. */
    public long watchdogTb;

    // ---- translation (epaprlab.ppc.mmu) ---------------------------------------------------------

    /** Physical addresses outside RAM (set by the host between runs). */
    public PhysicalBus physBus = PhysicalBus.NONE;
    /** MPIC proxy mode: the IACK read on taking an External Input interrupt, or null. */
    public volatile java.util.function.IntSupplier externalProxy;
    /** True with Translation.BOOK_E; {@link #mmu} is then non-null. */
    public boolean bookE;
    public Mmu mmu;
    /**
     * 0 in FLAT mode; Long.MIN_VALUE in BOOK_E mode, ORed into the EA so that the flat bounds
     * check of the access helpers always fails over to the mapped path.
     */
    private long slowMask;
    /** Data watchpoints (a debugger's), or null: while set, every data access takes the slow path. */
    private Watchpoints watchpoints;
    /** The software TLB's arrays (null in FLAT mode) and the contexts of the current MSR. */
    private long[] softRead, softWrite, softDataAddend;
    public long[] softExec, softExecAdd;
    /** Software TLB contexts: bit 0 MSR[PR], bit 1 MSR[DS] (data) or MSR[IS] (fetch). */
    public int dctx, ictx;

    CpuState(CpuModel model, GuestMemory mem) {
        this(model, mem, TimeSource.INSTRUCTIONS, epaprlab.ppc.cpu.Cpu.DEFAULT_TIMEBASE_HZ);
    }

    CpuState(CpuModel model, GuestMemory mem, TimeSource source, long timebaseHz) {
        this.timers = new Timers(source, timebaseHz);
        this.bus = DoorbellBus.of(mem);
        this.sharedTb = mem.engineShared(SharedTimeBase.class, SharedTimeBase::new);
        bus.join(pending);
        this.model = model;
        this.has64 = model.has64Bit();
        this.mem = mem;
        this.ram = mem.array();
        this.ramSize = ram.length;
    }

    /**
     * L1CFG0 and L1CFG1 as QEMU 7.2 reports them on e500mc and e5500 (probed by
     * CacheControlQemuDifferentialTest): 32 KiB, 8-way, 64-byte lines, parity. U-Boot sizes its
     * cache loops from them; zero makes its flush loop spin forever.
     */
    static final long L1CFG = 0x01003820L;

    void resetArchitected() {
        Arrays.fill(gpr, 0);
        cr = 0; lr = 0; ctr = 0; so = 0; ov = 0; ca = 0; xerRest = 0;
        long pir = spr[Spr.PIR];
        Arrays.fill(spr, 0);
        spr[Spr.PIR] = pir;
        spr[Spr.PVR] = model.pvr() & MASK32;
        spr[Spr.L1CFG0] = L1CFG;
        spr[Spr.L1CFG1] = L1CFG;
        setMsr(0);
        pc = 0; nia = 0;
        ivorInstalled = 0;
        retired = 0;
        timers.reset(this);
        sharedTb.reset();
        pending.resetEvents();
        pending.setPir(pir);
        waiting = false; limit = 0; idleDeadline = -1; watchdogTb = 0;
        resValid = false;
        Arrays.fill(fpr, 0);
        fpscr = 0;
        stop = null; stopInterrupt = -1; stopPc = 0; stopInsn = 0; stopDetail = "";
        if (bookE) {
            mmu.reset();
            setConfigurationRegisters();
        }
    }

    /** Switches between FLAT (mmu null) and BOOK_E translation; the TLBs start all invalid. */
    public void setTranslation(boolean on) {
        bookE = on;
        slowMask = on || watchpoints != null ? Long.MIN_VALUE : 0;
        if (on) {
            if (mmu == null) mmu = new Mmu(mem, pending);
            mmu.reset();
            SoftTlb t = mmu.soft;
            softRead = t.read; softWrite = t.write; softDataAddend = t.dataAddend;
            softExec = t.exec; softExecAdd = t.execAddend;
            setConfigurationRegisters();
        } else {
            softRead = softWrite = softDataAddend = softExec = softExecAdd = null;
        }
    }

    /** Sets or (null) clears the data watchpoints; between runs. */
    public void setWatchpoints(Watchpoints w) {
        watchpoints = w;
        slowMask = bookE || w != null ? Long.MIN_VALUE : 0;
    }

    /** TLBnCFG and MMUCFG as QEMU 7.2 reports them for e500mc and e5500 (spec section 1). */
    private void setConfigurationRegisters() {
        spr[Spr.TLB0CFG] = Mas.TLB0CFG;
        spr[Spr.TLB1CFG] = Mas.TLB1CFG;
        spr[Spr.MMUCFG] = Mas.MMUCFG;
    }

    // ---- registers ---------------------------------------------------------------------------

    /** Writes the MSR, dropping bits the model does not implement (upper word; CM on e500mc). */
    public void setMsr(long v) {
        v &= has64 ? MASK32 : (MASK32 & ~Msr.CM);
        msr = v;
        cm = (v & Msr.CM) != 0;
        eaMask = cm ? -1L : MASK32;
        int pr = (v & Msr.PR) != 0 ? 1 : 0;
        dctx = pr | ((v & Msr.DS) != 0 ? 2 : 0);
        ictx = pr | ((v & Msr.IS) != 0 ? 2 : 0);
    }

    public long xer() {
        return ((long) so << 31) | ((long) ov << 30) | ((long) ca << 29) | xerRest;
    }

    public void setXer(long v) {
        so = (int) (v >>> 31) & 1;
        ov = (int) (v >>> 30) & 1;
        ca = (int) (v >>> 29) & 1;
        xerRest = v & ~0xE0000000L & MASK32;
    }

    public boolean user() { return (msr & Msr.PR) != 0; }

    public long tb() { return timers.tb(this); }

    /**
     * TB as the guest reads it (mftb, mfspr TBL/TBU): in instruction time never behind a value
     * another CPU of this RAM has shown ({@link SharedTimeBase}); moving forward re-evaluates the
     * timers at the next event boundary.
     */
    public long guestTb() {
        long now = tb();
        if (!timers.timeBase().instructionDriven()) return now;
        long shown = sharedTb.show(now);
        if (shown != now) {
            timers.fastForwardTo(this, shown);
            limit = 0;
        }
        return shown;
    }

    /** The instruction word at {@code ea} (for stop details; translated in BOOK_E mode), or 0 outside RAM. */
    public int wordAt(long ea) {
        long pa = bookE ? Translate.peekFetch(this, ea) : ea;
        return pa < 0 || Long.compareUnsigned(pa, ramSize - 4) > 0 ? 0 : word(ram, pa);
    }

    /** The big-endian word at {@code p}, which must lie inside {@code ram} (the block executors' tag check). */
    static int word(byte[] ram, long p) { return (int) U32.get(ram, (int) p); }

    /** (RA|0): 0 when ra is 0, else GPR[ra]. */
    public long raOrZero(int ra) { return ra == 0 ? 0 : gpr[ra]; }

    /** Truncates an effective address (or branch target) to the current mode. */
    public long ea(long x) { return x & eaMask; }

    /** Sets CR field 0 from a result: LT/GT/EQ by the mode's width, SO copied from XER. */
    public void cr0(long r) {
        long v = cm ? r : (int) r;
        int f = v < 0 ? 8 : v > 0 ? 4 : 2;
        cr = (cr & 0x0FFFFFFF) | ((f | so) << 28);
    }

    /** Sets CR field {@code bf} (0..7) to the 4-bit value {@code f}. */
    public void setCrField(int bf, int f) {
        int shift = 28 - 4 * bf;
        cr = (cr & ~(0xF << shift)) | ((f & 0xF) << shift);
    }

    public int crField(int bf) { return (cr >>> (28 - 4 * bf)) & 0xF; }

    public int crBit(int bit) { return (cr >>> (31 - bit)) & 1; }

    public void setCrBit(int bit, int v) {
        int m = 1 << (31 - bit);
        cr = (v & 1) != 0 ? cr | m : cr & ~m;
    }

    // ---- interrupts raised by handlers -------------------------------------------------------

    /** Raises a Program interrupt for the executing instruction. The handler must return without other effects. */
    public void program(ProgramCause cause) {
        Delivery.program(this, cause);
    }

    public void illegal() { Delivery.program(this, ProgramCause.ILLEGAL); }

    /** True (and a PPR Program interrupt raised) when in user state; use as {@code if (s.privileged()) return;}. */
    public boolean privileged() {
        if ((msr & Msr.PR) != 0) {
            Delivery.program(this, ProgramCause.PRIVILEGED);
            return true;
        }
        return false;
    }

    /** True (and an illegal-instruction interrupt raised) when the model has no 64-bit category. */
    public boolean no64() {
        if (!has64) {
            Delivery.program(this, ProgramCause.ILLEGAL);
            return true;
        }
        return false;
    }

    private GuestFault alignment(long ea, boolean store) {
        Delivery.alignment(this, ea, store ? Esr.ST : 0);
        return GuestFault.INSTANCE;
    }

    // ---- guest data accesses ---------------------------------------------------------------------
    // Fast path: FLAT and inside RAM, one unsigned compare as always. Otherwise (BOOK_E, or FLAT
    // outside RAM) the mapped path: a software-TLB hit is a RAM access at EA + addend, anything
    // else goes to Translate (misses, page-crossing accesses, devices, faults).

    public int load8(long ea) {
        if (Long.compareUnsigned(ea | slowMask, ramSize - 1) > 0) return (int) loadMapped(ea, 1);
        return ram[(int) ea] & 0xFF;
    }

    public int load16(long ea) {
        if (Long.compareUnsigned(ea | slowMask, ramSize - 2) > 0) return (int) loadMapped(ea, 2);
        return (short) U16.get(ram, (int) ea) & 0xFFFF;
    }

    public int load32(long ea) {
        if (Long.compareUnsigned(ea | slowMask, ramSize - 4) > 0) return (int) loadMapped(ea, 4);
        return (int) U32.get(ram, (int) ea);
    }

    public long load64(long ea) {
        if (Long.compareUnsigned(ea | slowMask, ramSize - 8) > 0) return loadMapped(ea, 8);
        return (long) U64.get(ram, (int) ea);
    }

    public void store8(long ea, int v) {
        if (Long.compareUnsigned(ea | slowMask, ramSize - 1) > 0) { storeMapped(ea, 1, v); return; }
        ram[(int) ea] = (byte) v;
    }

    public void store16(long ea, int v) {
        if (Long.compareUnsigned(ea | slowMask, ramSize - 2) > 0) { storeMapped(ea, 2, v); return; }
        U16.set(ram, (int) ea, (short) v);
    }

    public void store32(long ea, int v) {
        if (Long.compareUnsigned(ea | slowMask, ramSize - 4) > 0) { storeMapped(ea, 4, v); return; }
        U32.set(ram, (int) ea, v);
    }

    public void store64(long ea, long v) {
        if (Long.compareUnsigned(ea | slowMask, ramSize - 8) > 0) { storeMapped(ea, 8, v); return; }
        U64.set(ram, (int) ea, v);
    }

    private long loadMapped(long ea, int len) {
        if (watchpoints != null) {
            long v = flatRam(ea, len) ? ramRead(ram, ea, len) : loadTranslated(ea, len);
            watchpoints.accessed(this, ea, len, false);
            return v;
        }
        return loadTranslated(ea, len);
    }

    private long loadTranslated(long ea, int len) {
        if (bookE) {
            int i = SoftTlb.index(ea);
            if (softRead[i] == SoftTlb.tag(ea, dctx) && ((int) ea & 0xFFF) <= 0x1000 - len) {
                return ramRead(ram, ea + softDataAddend[i], len);
            }
        }
        return Translate.load(this, ea, len);
    }

    private void storeMapped(long ea, int len, long v) {
        if (watchpoints != null) {
            if (flatRam(ea, len)) ramWrite(ram, ea, len, v);
            else storeTranslated(ea, len, v);
            watchpoints.accessed(this, ea, len, true);
            return;
        }
        storeTranslated(ea, len, v);
    }

    private void storeTranslated(long ea, int len, long v) {
        if (bookE) {
            int i = SoftTlb.index(ea);
            if (softWrite[i] == SoftTlb.tag(ea, dctx) && ((int) ea & 0xFFF) <= 0x1000 - len) {
                ramWrite(ram, ea + softDataAddend[i], len, v);
                return;
            }
        }
        Translate.store(this, ea, len, v);
    }

    /** FLAT and inside RAM: on the slow path only because watchpoints are set. */
    private boolean flatRam(long ea, int len) {
        return !bookE && Long.compareUnsigned(ea, ramSize - len) <= 0;
    }

    /** The big-endian value of {@code len} bytes of RAM at {@code p}, zero-extended. */
    public static long ramRead(byte[] ram, long p, int len) {
        return switch (len) {
            case 1 -> ram[(int) p] & 0xFF;
            case 2 -> (short) U16.get(ram, (int) p) & 0xFFFF;
            case 4 -> (int) U32.get(ram, (int) p) & MASK32;
            default -> (long) U64.get(ram, (int) p);
        };
    }

    /** Stores the low {@code len} bytes of {@code v} big-endian at {@code p} in RAM. */
    public static void ramWrite(byte[] ram, long p, int len, long v) {
        switch (len) {
            case 1 -> ram[(int) p] = (byte) v;
            case 2 -> U16.set(ram, (int) p, (short) v);
            case 4 -> U32.set(ram, (int) p, (int) v);
            default -> U64.set(ram, (int) p, v);
        }
    }

    /** Checks a whole multi-register/line access up front so that nothing is written on a fault. */
    public void checkRange(long ea, int len, boolean store) {
        if (Long.compareUnsigned(ea | slowMask, ramSize - len) > 0 && !flatRam(ea, len)) Translate.checkRange(this, ea, len, store);
    }

    /** Zeroes [ea, ea+len) (dcbz: an aligned line). */
    public void zero(long ea, int len) {
        if (Long.compareUnsigned(ea | slowMask, ramSize - len) > 0 && !flatRam(ea, len)) Translate.zero(this, ea, len);
        else Arrays.fill(ram, (int) ea, (int) ea + len, (byte) 0);
        if (watchpoints != null) watchpoints.accessed(this, ea, len, true);
    }

    /** lwarx/ldarx: aligned load that sets the reservation. */
    public long loadReserve(long ea, int size) {
        if ((ea & (size - 1)) != 0) throw alignment(ea, false);
        long pa = reservation(ea, size, false);
        long v = size == 4 ? (int) U32.get(ram, (int) pa) & MASK32 : (long) U64.get(ram, (int) pa);
        resValid = true;
        resAddr = ea;
        resValue = v;
        resSize = size;
        return v;
    }

    /**
     * stwcx./stdcx.: aligned conditional store. Succeeds when the reservation is held for this
     * address and size and memory still holds the reserved value; the compare and the store run
     * under the granule's lock in {@link GuestMemory#atomicLock}, so store-conditionals of SMP
     * guests sharing RAM are atomic with respect to each other (value-based, as QEMU's cmpxchg
     * implementation; a plain store racing in the same instant is not detected). Any
     * stwcx./stdcx. clears the reservation.
     */
    public boolean storeConditional(long ea, int size, long v) {
        if ((ea & (size - 1)) != 0) throw alignment(ea, true);
        long pa = reservation(ea, size, true);
        boolean ok = false;
        if (resValid && resAddr == ea && resSize == size) {
            synchronized (mem.atomicLock(pa)) {
                if (size == 4) {
                    ok = ((int) U32.get(ram, (int) pa) & MASK32) == resValue;
                    if (ok) U32.set(ram, (int) pa, (int) v);
                } else {
                    ok = (long) U64.get(ram, (int) pa) == resValue;
                    if (ok) U64.set(ram, (int) pa, v);
                }
            }
        }
        resValid = false;
        return ok;
    }

    /** The RAM offset of a reservation access (FLAT: the EA itself when inside RAM). */
    private long reservation(long ea, int size, boolean store) {
        long pa = Long.compareUnsigned(ea | slowMask, ramSize - size) > 0 && !flatRam(ea, size)
                ? Translate.reservation(this, ea, size, store) : ea;
        if (watchpoints != null) watchpoints.accessed(this, ea, size, store);   // stops after the instruction
        return pa;
    }
}
