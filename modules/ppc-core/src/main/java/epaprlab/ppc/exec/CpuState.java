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
    /**
     * The memory's page tables (mutated in place by it, never replaced): read never null, write
     * null unless the page is this RAM's own and not watched as code.
     */
    final byte[][] rd, wr;
    public final long ramSize;
    /**
     * Set by an engine store that wrote into a page marked by {@link GuestMemory#watchCode}; a
     * region checks it after each store and clears it. The interpreter ignores it.
     */
    public boolean codeWritten;
    /** The physical bytes [from, to) written into watched pages since {@link #codeWritten} was set (their hull). */
    public long codeWrittenFrom, codeWrittenTo;

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

    /** Plain SPR storage by {@link Spr#slot} (registers with behaviour are kept elsewhere). */
    public final long[] sprs = new long[Spr.SLOTS];
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
    /** Set by {@code wait} (and EV_IDLE) until an interrupt is taken (the cores have no MSR[WE]). */
    public boolean waiting;
    /**
     * The interpreter services timers and interrupts when {@link #retired} reaches this; handlers
     * that can unmask or change an interrupt set it to 0 to be serviced right after they retire.
     */
    public long limit;
    /** Wall-clock idle: System.nanoTime() of the next armed timer event, -1 for none. */
    public long idleDeadline = -1;
    /**
     * Instruction time: a wait fast-forwards TB to a timer event only up to this TB (a host
     * setting, kept over resets; Long.MAX_VALUE = any, the default). Past it the run stops IDLE
     * with {@link #idleTb} = the event: CPUs taking turns must not run ahead of the others' time.
     */
    public long fastForwardLimit = Long.MAX_VALUE;
    /** After an instruction-time IDLE stop: the TB of the next armed timer event, Long.MAX_VALUE for none. */
    public long idleTb = Long.MAX_VALUE;
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
    long slowMask;
    /** Data watchpoints (a debugger's), or null: while set, every data access takes the slow path. */
    private Watchpoints watchpoints;
    /** The software TLB's arrays (null in FLAT mode) and the contexts of the current MSR. */
    long[] softRead, softWrite, softDataAddend;
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
        this.rd = mem.readTable();
        this.wr = mem.writeTable();
        this.ramSize = mem.size();
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
        long pir = sprs[Spr.slot(Spr.PIR)];
        Arrays.fill(sprs, 0);
        sprs[Spr.slot(Spr.PIR)] = pir;
        sprs[Spr.slot(Spr.PVR)] = model.pvr() & MASK32;
        sprs[Spr.slot(Spr.L1CFG0)] = L1CFG;
        sprs[Spr.slot(Spr.L1CFG1)] = L1CFG;
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

    /** True while data watchpoints are set: only tiers that end a block on {@code nia} may run (not regions). */
    public boolean watching() { return watchpoints != null; }

    /** TLBnCFG and MMUCFG as QEMU 7.2 reports them for e500mc and e5500 (spec section 1). */
    private void setConfigurationRegisters() {
        sprs[Spr.slot(Spr.TLB0CFG)] = Mas.TLB0CFG;
        sprs[Spr.slot(Spr.TLB1CFG)] = Mas.TLB1CFG;
        sprs[Spr.slot(Spr.MMUCFG)] = Mas.MMUCFG;
    }

    // ---- registers ---------------------------------------------------------------------------

    /** Writes the MSR, dropping bits the model does not implement ({@link CpuModel#msrMask}: WE on both, CM on e500mc). */
    public void setMsr(long v) {
        v &= model.msrMask();
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

    /**
     * BOOK_E: the RAM offset of the fetch at {@code ea} when the fetch software TLB holds its page
     * in the current context, else -1 (the caller translates, or gives up). The dispatcher's and
     * the chaining's one lookup.
     */
    long fetchHit(long ea) {
        final int t = SoftTlb.index(ea);
        return softExec[t] == SoftTlb.tag(ea, ictx) ? ea + softExecAdd[t] : -1;
    }

    /** The instruction word at {@code ea} (for stop details; translated in BOOK_E mode), or 0 outside RAM. */
    public int wordAt(long ea) {
        long pa = bookE ? Translate.peekFetch(this, ea) : ea;
        return pa < 0 || Long.compareUnsigned(pa, ramSize - 4) > 0 || (pa & 3) != 0 ? 0 : fetchWord(pa);
    }

    /**
     * The instruction word at RAM physical address {@code pa} (word-aligned, inside RAM): the
     * decoder's read and a translated region's tag check. One page-table load.
     */
    public int fetchWord(long pa) {
        return (int) U32.get(rd[(int) (pa >>> GuestMemory.PAGE_SHIFT)], (int) pa & GuestMemory.PAGE_MASK);
    }

    /**
     * The RAM page holding physical {@code pa}, as a block executor takes it at the start of a
     * block (blocks never cross a page). It stays the page to check the block's words against
     * until a store of this CPU copies a page, which ends the block ({@link #ramWritable}).
     */
    public byte[] codePage(long pa) { return rd[(int) (pa >>> GuestMemory.PAGE_SHIFT)]; }

    /** The word at physical {@code pa} in its {@link #codePage}: the block executors' tag check. */
    public static int word(byte[] page, long pa) { return (int) U32.get(page, (int) pa & GuestMemory.PAGE_MASK); }

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
    // Fast path: FLAT, inside RAM and naturally aligned (so inside one page): one unsigned compare
    // (the EA's low bits shifted to the top are ORed in, as BOOK_E's slowMask) and one page-table
    // load; a store also needs a write page (non-null: the page is this RAM's own and not watched
    // as code). Otherwise the slow path: in FLAT mode ramLoad/ramStore (misaligned, page-crossing,
    // copy-on-write, code pages) or the physical bus; in BOOK_E mode a software-TLB hit is the
    // same RAM access at EA + addend, anything else goes to Translate (misses, page-crossing
    // accesses, devices, faults).

    // ea << 63 / 62 / 61: high bits set when a 2/4/8-byte access is not naturally aligned. One
    // shift keeps every page-crossing access off the fast path (misaligned accesses inside a page
    // take the slow path too; they are rare).

    public int load8(long ea) {
        if (Long.compareUnsigned(ea | slowMask, ramSize - 1) > 0) return (int) loadMapped(ea, 1);
        return rd[(int) (ea >>> GuestMemory.PAGE_SHIFT)][(int) ea & GuestMemory.PAGE_MASK] & 0xFF;
    }

    public int load16(long ea) {
        if (Long.compareUnsigned(ea | slowMask | (ea << 63), ramSize - 2) > 0) return (int) loadMapped(ea, 2);
        return (short) U16.get(rd[(int) (ea >>> GuestMemory.PAGE_SHIFT)], (int) ea & GuestMemory.PAGE_MASK) & 0xFFFF;
    }

    public int load32(long ea) {
        if (Long.compareUnsigned(ea | slowMask | (ea << 62), ramSize - 4) > 0) return (int) loadMapped(ea, 4);
        return (int) U32.get(rd[(int) (ea >>> GuestMemory.PAGE_SHIFT)], (int) ea & GuestMemory.PAGE_MASK);
    }

    public long load64(long ea) {
        if (Long.compareUnsigned(ea | slowMask | (ea << 61), ramSize - 8) > 0) return loadMapped(ea, 8);
        return (long) U64.get(rd[(int) (ea >>> GuestMemory.PAGE_SHIFT)], (int) ea & GuestMemory.PAGE_MASK);
    }

    public void store8(long ea, int v) {
        final byte[] p;
        if (Long.compareUnsigned(ea | slowMask, ramSize - 1) > 0 || (p = wr[(int) (ea >>> GuestMemory.PAGE_SHIFT)]) == null) {
            storeMapped(ea, 1, v);
            return;
        }
        p[(int) ea & GuestMemory.PAGE_MASK] = (byte) v;
    }

    public void store16(long ea, int v) {
        final byte[] p;
        if (Long.compareUnsigned(ea | slowMask | (ea << 63), ramSize - 2) > 0 || (p = wr[(int) (ea >>> GuestMemory.PAGE_SHIFT)]) == null) {
            storeMapped(ea, 2, v);
            return;
        }
        U16.set(p, (int) ea & GuestMemory.PAGE_MASK, (short) v);
    }

    public void store32(long ea, int v) {
        final byte[] p;
        if (Long.compareUnsigned(ea | slowMask | (ea << 62), ramSize - 4) > 0 || (p = wr[(int) (ea >>> GuestMemory.PAGE_SHIFT)]) == null) {
            storeMapped(ea, 4, v);
            return;
        }
        U32.set(p, (int) ea & GuestMemory.PAGE_MASK, v);
    }

    public void store64(long ea, long v) {
        final byte[] p;
        if (Long.compareUnsigned(ea | slowMask | (ea << 61), ramSize - 8) > 0 || (p = wr[(int) (ea >>> GuestMemory.PAGE_SHIFT)]) == null) {
            storeMapped(ea, 8, v);
            return;
        }
        U64.set(p, (int) ea & GuestMemory.PAGE_MASK, v);
    }

    private long loadMapped(long ea, int len) {
        if (watchpoints == null) return loadTranslated(ea, len);
        long v = loadTranslated(ea, len);
        watchpoints.accessed(this, ea, len, false);
        return v;
    }

    private long loadTranslated(long ea, int len) {
        if (bookE) {
            final long pa = softHit(ea, len, false);
            if (pa >= 0) return ramLoad(pa, len);
        } else if (Long.compareUnsigned(ea, ramSize - len) <= 0) {
            return ramLoad(ea, len);                // crosses a page
        }
        return Translate.load(this, ea, len);
    }

    private void storeMapped(long ea, int len, long v) {
        storeTranslated(ea, len, v);
        if (watchpoints != null) watchpoints.accessed(this, ea, len, true);
    }

    private void storeTranslated(long ea, int len, long v) {
        if (bookE) {
            final long pa = softHit(ea, len, true);
            if (pa >= 0) {
                byte[] p = wr[(int) (pa >>> GuestMemory.PAGE_SHIFT)];
                if (p != null) GuestMemory.writePage(p, (int) pa & GuestMemory.PAGE_MASK, len, v);
                else ramStore(pa, len, v);
                return;
            }
        } else if (Long.compareUnsigned(ea, ramSize - len) <= 0) {
            ramStore(ea, len, v);                   // crosses a page, not yet this RAM's own, or code
            return;
        }
        Translate.store(this, ea, len, v);
    }

    /**
     * BOOK_E: the RAM offset of a {@code len}-byte access at {@code ea} inside one page when the
     * software TLB holds its page for loads ({@code store} false) or stores in the current data
     * context (so the permission check passed when it was filled), else -1: then
     * {@link Translate} walks the TLBs (and raises the interrupt, or reaches a device).
     */
    private long softHit(long ea, int len, boolean store) {
        final int i = SoftTlb.index(ea);
        final long[] tags = store ? softWrite : softRead;
        return tags[i] == SoftTlb.tag(ea, dctx) && ((int) ea & GuestMemory.PAGE_MASK) <= GuestMemory.PAGE_SIZE - len
                ? ea + softDataAddend[i] : -1;
    }

    /** FLAT and inside RAM: on the slow path only because watchpoints are set. */
    private boolean flatRam(long ea, int len) {
        return !bookE && Long.compareUnsigned(ea, ramSize - len) <= 0;
    }

    /** Records a write of [pa, pa+len) into a watched page for the running region. */
    private void codeWrite(long pa, long len) {
        if (!codeWritten) {
            codeWritten = true;
            codeWrittenFrom = pa;
            codeWrittenTo = pa + len;
        } else {
            codeWrittenFrom = Math.min(codeWrittenFrom, pa);
            codeWrittenTo = Math.max(codeWrittenTo, pa + len);
        }
    }

    /** The big-endian value of {@code len} bytes of RAM at physical {@code pa} (may cross a page), zero-extended. */
    public long ramLoad(long pa, int len) { return mem.readRam(pa, len); }

    /**
     * The slow path of a store of the low {@code len} bytes of {@code v} at physical {@code pa}
     * inside RAM (may cross a page): makes the pages this RAM's own (copy-on-write, charged to
     * the page budget), writes, and moves the code generation of watched pages on
     * ({@link #codeWritten}); a store beside the code of a watched page this RAM owns is written
     * at once ({@link GuestMemory#dataPage}). When the budget refuses, nothing is written and the
     * CPU stops with {@link StopReason#HOST_OUT_OF_MEMORY} before this instruction (see
     * {@link #ramWritable}). A region's inline store calls it when the page has no write page.
     */
    public void ramStore(long pa, int len, long v) {
        final byte[] p = mem.dataPage(pa, len);
        if (p != null) {                            // owned, beside the code of a watched page
            GuestMemory.writePage(p, (int) pa & GuestMemory.PAGE_MASK, len, v);
            return;
        }
        ramWritable(pa, len);
        mem.writeRam(pa, len, v);
        if (mem.codeTouched(pa, len)) codeWrite(pa, len);
    }

    /**
     * Makes [pa, pa+len) of RAM this RAM's own, or stops the CPU with
     * {@link StopReason#HOST_OUT_OF_MEMORY} at the executing instruction (not counted, nothing
     * written; run again, it retries) and throws.
     */
    public void ramWritable(long pa, long len) {
        copied(mem.makeWritable(pa, len), pa);
    }

    /** {@link #ramWritable} for the RAM pages holding {@code pa} and {@code pb} (an access over two translated pages). */
    public void ramWritableBoth(long pa, long pb) {
        copied(mem.makeBothWritable(pa, pb), pa);
    }

    /**
     * After {@link GuestMemory#makeWritable}: stops the CPU when refused; when a page was copied,
     * ends the running block after this instruction (as a block-ending instruction would), since
     * the executors check the block's words in the code page they took at its start.
     */
    private void copied(int pages, long pa) {
        if (pages < 0) throw hostOutOfMemory(pa);
        if (pages > 0) nia = (pc + 4) & eaMask;
    }

    private GuestFault hostOutOfMemory(long pa) {
        stop = StopReason.HOST_OUT_OF_MEMORY;
        nia = pc;
        stopInterrupt = -1;
        stopPc = pc;
        stopInsn = wordAt(pc);
        stopDetail = "the host's page budget refused guest RAM for a store to PA 0x%x".formatted(pa);
        return GuestFault.INSTANCE;
    }

    /** dcbz's slow path at physical {@code pa} inside RAM (an aligned line): a zero page stays shared. */
    public void ramZero(long pa, int len) {
        if (mem.isZeroPage((int) (pa >>> GuestMemory.PAGE_SHIFT))) return;
        ramWritable(pa, len);
        for (int k = 0; k < len; k += 8) mem.writeRam(pa + k, 8, 0);
        if (mem.codeTouched(pa, len)) codeWrite(pa, len);
    }

    /**
     * Checks a whole multi-register/line access up front so that nothing is written on a fault
     * (a store also makes its pages this RAM's own, so the page budget cannot refuse halfway).
     */
    public void checkRange(long ea, int len, boolean store) {
        if (Long.compareUnsigned(ea | slowMask, ramSize - len) > 0 && !flatRam(ea, len)) { Translate.checkRange(this, ea, len, store); return; }
        if (store && (wr[(int) (ea >>> GuestMemory.PAGE_SHIFT)] == null || wr[(int) ((ea + len - 1) >>> GuestMemory.PAGE_SHIFT)] == null)) {
            ramWritable(ea, len);
        }
    }

    /** Zeroes [ea, ea+len) (dcbz: an aligned line, never crossing a page). */
    public void zero(long ea, int len) {
        final byte[] p;
        long pa = ea;                               // BOOK_E: a software-TLB hit spares the walk (Linux clears pages with dcbz)
        if (Long.compareUnsigned(ea | slowMask, ramSize - len) > 0 && !flatRam(ea, len)
                && (!bookE || (pa = softHit(ea, len, true)) < 0)) Translate.zero(this, ea, len);
        else if ((p = wr[(int) (pa >>> GuestMemory.PAGE_SHIFT)]) == null) ramZero(pa, len);
        else Arrays.fill(p, (int) pa & GuestMemory.PAGE_MASK, ((int) pa & GuestMemory.PAGE_MASK) + len, (byte) 0);
        if (watchpoints != null) watchpoints.accessed(this, ea, len, true);
    }

    /** lwarx/ldarx: aligned load that sets the reservation. */
    public long loadReserve(long ea, int size) {
        if ((ea & (size - 1)) != 0) throw alignment(ea, false);
        long pa = reservation(ea, size, false);
        long v = mem.readRam(pa, size);
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
     * stwcx./stdcx. clears the reservation (unless the page budget refused its page: the CPU then
     * stops before it with the reservation kept, and retries it when run again).
     */
    public boolean storeConditional(long ea, int size, long v) {
        if ((ea & (size - 1)) != 0) throw alignment(ea, true);
        long pa = reservation(ea, size, true);
        boolean ok = false;
        if (resValid && resAddr == ea && resSize == size) {
            synchronized (mem.atomicLock(pa)) {
                // the copy-on-write copy (if any) happens inside the granule lock: it keeps the
                // bytes, so the compare below sees what any other stwcx. left there
                ramWritable(pa, size);
                ok = mem.readRam(pa, size) == (size == 4 ? resValue & MASK32 : resValue);
                if (ok) {
                    mem.writeRam(pa, size, v);
                    if (mem.codeTouched(pa, size)) codeWrite(pa, size);
                }
            }
        }
        resValid = false;
        return ok;
    }

    /**
     * The RAM offset of a reservation access (FLAT: the EA itself when inside RAM; BOOK_E: a
     * software-TLB hit, else the walk: Linux's spin locks and atomics are lwarx/stwcx. pairs).
     */
    private long reservation(long ea, int size, boolean store) {
        long pa = ea;
        if (Long.compareUnsigned(ea | slowMask, ramSize - size) > 0 && !flatRam(ea, size)
                && (!bookE || (pa = softHit(ea, size, store)) < 0)) pa = Translate.reservation(this, ea, size, store);
        if (watchpoints != null) watchpoints.accessed(this, ea, size, store);   // stops after the instruction
        return pa;
    }
}
