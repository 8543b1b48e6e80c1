package epaprlab.ppc.cpu;

import epaprlab.ppc.exec.CpuState;
import epaprlab.ppc.exec.Interpreter;
import epaprlab.ppc.exec.SystemRegisters;
import epaprlab.ppc.interrupt.AsyncInterrupts;
import epaprlab.ppc.interrupt.PendingInterrupts;
import epaprlab.ppc.mem.GuestMemory;
import epaprlab.ppc.mem.PhysicalBus;
import epaprlab.ppc.mmu.Tlb;
import epaprlab.ppc.mmu.TlbInstructions;

/**
 * One Book E processor: architected state plus the interpreter loop.
 *
 * <p>Registers are 64-bit for both models. In 32-bit mode (MSR[CM]=0, always on e500mc) results
 * are computed as on a 64-bit implementation while CR0, CA, OV, effective addresses and branch
 * targets use the low 32 bits. Address translation is {@link Translation#FLAT} (EA == physical
 * address) unless {@link #setTranslation} selects the Book E MMU.
 *
 * <p>Not thread-safe except {@link #requestStop()} and the interrupt inputs
 * ({@link #setExternalInterrupt}, {@link #setCriticalInterrupt}, {@link #raiseMachineCheck},
 * {@link #setExternalProxy},
 * {@link #onInterruptRaised}): one thread runs a CPU at a time.
 *
 * <p>Time: the time base advances by one per retired instruction ({@link TimeSource#INSTRUCTIONS},
 * the default, reproducible) or with the host's monotonic clock scaled to the timebase frequency
 * ({@link TimeSource#WALL_CLOCK}). DEC, FIT and the watchdog run from it (spec 5.7).
 */
public final class Cpu {
    private final CpuModel model;
    private final GuestMemory memory;
    private final Interpreter interp;
    private final CpuState s;

    /**
     * Interpreted runs of a block before it is compiled, when none is given: 50, or the system
     * property {@code epaprlab.compile-threshold}.
     */
    public static final int DEFAULT_COMPILE_THRESHOLD = Integer.getInteger("epaprlab.compile-threshold", 10_000);

    /**
     * Whether hot blocks are compiled on the vCPU's own thread (true, deterministic tiering for
     * tests) rather than by the background compiler (false, the default); system property
     * {@code epaprlab.compile-sync}.
     */
    public static final boolean DEFAULT_COMPILE_SYNCHRONOUSLY = Boolean.getBoolean("epaprlab.compile-sync");

    /** QEMU's TCG timebase frequency (400 MHz), used when none is given. */
    public static final long DEFAULT_TIMEBASE_HZ = 400_000_000L;

    /** A CPU whose time base counts retired instructions (at a nominal {@link #DEFAULT_TIMEBASE_HZ}). */
    public Cpu(CpuModel model, GuestMemory memory) {
        this(model, memory, TimeSource.INSTRUCTIONS, DEFAULT_TIMEBASE_HZ);
    }

    /**
     * A CPU on {@code memory}; CPUs sharing one {@link GuestMemory} share its doorbell bus.
     * {@code timebaseHz} must be positive; in instruction time it only converts ticks to host time.
     */
    public Cpu(CpuModel model, GuestMemory memory, TimeSource timeSource, long timebaseHz) {
        this.model = model;
        this.memory = memory;
        this.interp = new Interpreter(model, memory, timeSource, timebaseHz);
        this.s = interp.state();
        interp.reset();
        String fault = System.getProperty(FAULT_WORD_PROPERTY);
        if (fault != null) interp.injectEngineFault(Integer.parseUnsignedInt(fault.replaceFirst("^0[xX]", ""), 16));
    }

    /** See {@link #injectEngineFault}. */
    public static final String FAULT_WORD_PROPERTY = "epaprlab.engine.fault-word";

    public CpuModel model() { return model; }
    public GuestMemory memory() { return memory; }

    /**
     * Architected reset: all GPRs/FPRs/SPRs and the FPSCR 0 (PVR = the model's, PIR kept), MSR 0,
     * PC 0, CR/LR/CTR/XER 0, time base 0, no IVOR installed, reservation cleared,
     * {@link #instructionsRetired()} 0, and with BOOK_E translation every TLB entry invalid
     * (TLBnCFG/MMUCFG keep their values).
     */
    public void reset() { interp.reset(); }

    private Translation translation = Translation.FLAT;

    /**
     * The architected state of this vCPU (see {@link CpuSnapshot}). Call on a stopped vCPU, on
     * the thread that owns it. Memory is not included: snapshot the {@link GuestMemory} too.
     */
    public CpuSnapshot saveState() { return CpuSnapshot.capture(model, translation, s, interp.predecoded()); }

    /**
     * Puts this vCPU in the state {@code snap} holds, translation mode included; the reservation
     * is cleared and the branch trace emptied. The predecode cache stays: every block is checked
     * word by word against RAM before it runs and every region by its page's code generation
     * (which {@code GuestMemory.resetTo} moves on), so code that RAM no longer holds never runs,
     * and a board restored again and again from one snapshot (the clones of a lab) decodes its
     * code once, not once per restore; and the blocks it decodes share their decoded form with
     * those the snapshot's vCPU had decoded when saved (same address, same words), so the clones
     * of one snapshot hold one copy of its code. The other vCPUs
     * of the RAM are not touched. Call on a stopped vCPU, on the thread that owns it.
     *
     * @throws IllegalArgumentException when the snapshot is of another model
     */
    public void restoreState(CpuSnapshot snap) {
        if (snap.model() != model) {
            throw new IllegalArgumentException("cannot restore a %s CPU state into a %s CPU".formatted(snap.model().configName(), model.configName()));
        }
        setTranslation(snap.translation());
        interp.clearBranchTrace();
        interp.inherit(snap.predecoded());
        snap.apply(s);
    }

    /**
     * {@link Translation#FLAT} (default, today's ePAPR board: EA == PA, TLB instructions no-ops)
     * or {@link Translation#BOOK_E} (the e500mc/e5500 MMU of booke-mmu.md: TLB0/TLB1, MAS
     * registers, TLB errors and storage interrupts). Switching to BOOK_E starts with every TLB
     * entry invalid (the board then writes its boot mapping with {@link #tlbWrite}). Call between
     * runs, on the vCPU's thread.
     */
    public void setTranslation(Translation translation) {
        this.translation = java.util.Objects.requireNonNull(translation, "translation");
        interp.setTranslation(translation == Translation.BOOK_E);
    }

    public Translation translation() { return translation; }

    /**
     * Keeps the last {@code n} taken branches and interrupts, whichever tier runs the code (the
     * run loop looks once per block, and only when on); 0 = off, the default. Between runs, on
     * the vCPU's thread. {@link #reset()} empties it but keeps it on.
     */
    public void setBranchTrace(int n) { interp.setBranchTrace(n); }

    /** A debugger's single step: a run that takes an asynchronous interrupt stops at its vector first. Between runs. */
    public void setStopAtVector(boolean on) { interp.setStopAtVector(on); }

    /** The traced branches, oldest first, as pairs {@code [from0, to0, from1, to1, ...]}; empty when off. Between runs. */
    public long[] branchTrace() { return interp.branchTrace(); }

    /**
     * For debuggers and crash reports: the physical address the guest's access to {@code ea}
     * (an instruction fetch when {@code fetch}) reaches in the current translation, or -1 when
     * nothing maps it. FLAT: {@code ea} itself (masked to 32 bits while MSR[CM]=0). No side
     * effects; call only while the vCPU does not run.
     */
    public long debugPhysical(long ea, boolean fetch) {
        long a = s.ea(ea);
        return translation == Translation.FLAT ? a : epaprlab.ppc.mmu.Translate.peek(s, a, fetch);
    }

    private epaprlab.ppc.exec.Watchpoints watchpoints;

    /**
     * Data watchpoints for debuggers ({@link StopReason#WATCHPOINT}); an empty list clears them.
     * While any is set every data access takes the engine's slow path (both tiers); without, the
     * engine runs as if this did not exist. Between runs, on the vCPU's thread or while it is stopped.
     */
    public void setWatchpoints(java.util.List<Watchpoint> list) {
        watchpoints = list.isEmpty() ? null : new epaprlab.ppc.exec.Watchpoints(list);
        s.setWatchpoints(watchpoints);
    }

    /** The watchpoint of the last {@link StopReason#WATCHPOINT} stop, or null. */
    public Watchpoint watchpointHit() { return watchpoints == null ? null : watchpoints.hit(); }

    /** The first watched byte the access of the last {@link StopReason#WATCHPOINT} stop touched. */
    public long watchpointAddress() { return watchpoints == null ? 0 : watchpoints.hitAddress(); }

    /**
     * Data accesses whose physical address is outside RAM go to {@code bus} when
     * {@code bus.decodes(pa)}; otherwise a Data Storage interrupt, as always. Default
     * {@link PhysicalBus#NONE}. Instruction fetch never goes to the bus.
     */
    public void setPhysicalBus(PhysicalBus bus) { s.physBus = java.util.Objects.requireNonNull(bus, "bus"); }

    /**
     * Writes one architected TLB entry directly, as a tlbwe with these MAS values would in the
     * current mode (EPN masked to the page size, to 32 bits while MSR[CM]=0; TLB0 entries become
     * 4 KiB without IPROT); the guest's MAS registers are not changed. {@code tlb} = 0 or 1;
     * {@code esel} = entry (TLB1, 0..63) or way (TLB0, 0..3; the set comes from the EPN in
     * {@code mas2}). Only with {@link Translation#BOOK_E}, and after {@link #reset()} (which
     * invalidates every entry). The tlbivax operations other CPUs posted to this one before are
     * applied first, so they cannot remove the entry (a spin-table release comes after the
     * primary's boot flushes).
     *
     * @throws IllegalStateException with FLAT translation
     * @throws IllegalArgumentException for a bad TLB, entry or page size (a valid TLB1 entry must
     *         have an even TSIZE from 2, 4 KiB, to 24, 16 GiB)
     */
    public void tlbWrite(int tlb, int esel, int mas1, long mas2, int mas3, int mas7) {
        if (translation != Translation.BOOK_E) throw new IllegalStateException("tlbWrite needs Translation.BOOK_E");
        if (tlb < 0 || tlb > 1) throw new IllegalArgumentException("TLB must be 0 or 1, got " + tlb);
        if (esel < 0 || esel >= (tlb == 0 ? Tlb.TLB0_WAYS : Tlb.TLB1_ENTRIES)) {
            throw new IllegalArgumentException("TLB" + tlb + " has no entry " + esel);
        }
        s.mmu.drainRemote();
        if (!TlbInstructions.write(s, tlb, esel, mas1, mas2, mas3 & 0xFFFFFFFFL, mas7 & 0xFFFFFFFFL)) {
            throw new IllegalArgumentException("TLB1 page size code %d (MAS1 0x%08x) is not allowed".formatted((mas1 >>> 7) & 0x1F, mas1));
        }
    }

    /**
     * MPIC proxy ("coreint") mode: when non-null, taking an External Input interrupt first calls
     * {@code iack.getAsInt()} (on the vCPU's thread) and puts the vector in EPR (SPR 702), as
     * QEMU does with its mpic_proxy. null = off (default). Any thread may call it.
     */
    public void setExternalProxy(java.util.function.IntSupplier iack) { s.externalProxy = iack; }

    /**
     * Runs at most {@code budget} instructions; returns why it stopped. Never throws: a Java
     * exception inside the engine (a bug) ends the run with {@link StopReason#ENGINE_ERROR}.
     */
    public StopReason run(long budget) {
        s.timers.latchDevice();                 // a device deadline set since the last run counts from here
        try {
            return interp.run(budget);
        } catch (RuntimeException | StackOverflowError | AssertionError | LinkageError e) {
            return interp.engineFailure(e);      // outside a handler: decoding, compiling, delivery
        }
    }

    /**
     * Asks a running {@link #run} to return {@link StopReason#KICKED} soon (within about 1000
     * instructions); callable from any thread. A request made while not running makes the next
     * {@code run} return {@code KICKED} at once. The request is consumed by that return.
     */
    public void requestStop() { interp.requestStop(); }

    /**
     * How many times a block of predecoded instructions runs in the interpreter before it is
     * compiled to JVM bytecode (blocks with the same words are compiled once per JVM and shared).
     * 0 keeps this CPU purely interpreted. The default is {@link #DEFAULT_COMPILE_THRESHOLD}.
     * Results are identical either way; only speed differs.
     */
    public void setCompileThreshold(int runs) { interp.setCompileThreshold(runs); }

    public int compileThreshold() { return interp.compileThreshold(); }

    /**
     * True compiles a block on this thread in the run that reaches the threshold, so it runs
     * compiled from then on; false (default, {@link #DEFAULT_COMPILE_SYNCHRONOUSLY}) queues it for
     * the JVM's one background compiler thread and keeps running it interpreted until its class is
     * ready, so a short guest never waits for compilation. Results are identical either way.
     */
    public void setCompileSynchronously(boolean synchronous) { interp.setCompileSynchronously(synchronous); }

    /**
     * True (the default, or {@code -Depaprlab.tier=block} for false): hot code is translated a
     * region at a time (guest registers in JVM locals); false: hot blocks are compiled one by one.
     */
    public void setRegionTier(boolean on) { interp.setRegionTier(on); }

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

    /**
     * Host view of an SPR by number: no privilege check, no side effects beyond the write. A
     * number the cores do not implement has no storage ({@link Spr#slot} 0): it reads 0.
     */
    public long spr(int n) {
        checkSpr(n);
        return SystemRegisters.read(s, n);
    }

    /**
     * Host write of an SPR by number: no privilege check; read-only registers (PIR, PVR, ...) are
     * written too, TSR is stored as given (not write-one-to-clear), and writing an IVOR installs
     * it, as a guest mtspr would. A write to a number without storage ({@link Spr#slot} 0) is dropped.
     */
    public void setSpr(int n, long value) {
        checkSpr(n);
        if (n == Spr.TSR) s.timers.setTsr(s, value);
        else SystemRegisters.write(s, n, value);
    }

    /** True when SPR {@code n} exists on this model (as seen by guest mfspr/mtspr). */
    public boolean sprImplemented(int n) {
        checkSpr(n);
        return SystemRegisters.implemented(s, n);
    }

    /** MSR[CM]: 64-bit computation mode (always false on e500mc). */
    public boolean is64BitMode() { return s.cm; }

    /** The 64-bit time base. */
    public long timeBase() { return s.tb(); }

    /** Host write of the time base (DEC keeps its value; FIT and watchdog count from here). */
    public void setTimeBase(long tb) { s.timers.writeTb(s, tb); s.sharedTb.written(tb); }

    public TimeSource timeSource() { return s.timers.timeBase().source(); }
    public long timebaseHz() { return s.timers.timeBase().hz(); }

    // ---- interrupt inputs (any thread) -------------------------------------------------------

    /**
     * A board device's timer on this CPU's time base: at the first event boundary where TB has
     * reached {@code tb}, the action given to {@link #onDeviceTimer} runs on this CPU's thread
     * (instruction time: at the same instruction on every run). A deadline set while this CPU runs
     * counts from its next run. Long.MAX_VALUE: none. An idle CPU's host is woken (the wake hook)
     * when the deadline moves earlier. {@link #reset} clears it.
     */
    public void setDeviceTimer(long tb) {
        if (s.timers.setDeviceDeadline(tb)) s.pending.wake();
    }

    /** What runs when the device timer's deadline is reached; it may raise interrupts and set the next deadline. */
    public void onDeviceTimer(Runnable action) { s.timers.onDeviceDeadline(action); }

    /**
     * The external input line (IVOR4, taken when MSR[EE]=1): a level, pending while raised, as an
     * interrupt controller's output. Noticed by a running CPU within about 1000 instructions.
     */
    public void setExternalInterrupt(boolean raised) { s.pending.set(PendingInterrupts.EXTERNAL, raised); }

    /** The critical input line (IVOR0, taken when MSR[CE]=1; CSRR0/1, rfci): a level. */
    public void setCriticalInterrupt(boolean raised) { s.pending.set(PendingInterrupts.CRITICAL, raised); }

    /**
     * A machine check event (IVOR1, taken when MSR[ME]=1; MCSRR0/1, rfmci): pending until taken,
     * then {@code mcsrBits} are ORed into MCSR. While MSR[ME]=0 it stays pending (no checkstop).
     */
    public void raiseMachineCheck(long mcsrBits) { s.pending.raiseMachineCheck(mcsrBits); }

    /** PendingInterrupts bits now requested from outside (external, critical, machine check, doorbells). */
    public int pendingRequests() { return s.pending.bits(); }

    /**
     * Called (on the raising thread, must not block) whenever an interrupt is raised for this
     * CPU by the host or another CPU's msgsnd, so a host sleeping on an IDLE stop can wake. Null
     * removes it.
     */
    public void onInterruptRaised(Runnable hook) { s.pending.setWakeHook(hook); }

    // ---- waiting -----------------------------------------------------------------------------

    /**
     * Puts the CPU in the wait state as {@code wait} does (used for the ePAPR EV_IDLE hypercall):
     * the next {@link #run} delivers the first deliverable interrupt (SRR0 = current PC) or
     * returns {@link StopReason#IDLE}.
     */
    public void enterWait() { s.waiting = true; }

    /** True while waiting for an interrupt ({@code wait}/EV_IDLE; the cores have no MSR[WE]). */
    public boolean isWaiting() { return AsyncInterrupts.waiting(s); }

    /**
     * After an {@link StopReason#IDLE} stop in wall-clock time: the {@link System#nanoTime()} at
     * which the next armed timer event makes an interrupt deliverable, or -1 when none is armed
     * (also always -1 in instruction time, which fast-forwards instead).
     */
    public long idleUntilNanos() { return s.idleDeadline; }

    /**
     * Instruction time, CPUs that take turns: a waiting CPU moves its time base on to its next
     * timer event only up to {@code tb} (the others' time), else {@link #run} stops
     * {@link StopReason#IDLE} with {@link #idleUntilTimeBase()} set. Long.MAX_VALUE (the default):
     * as far as the event. Between runs; kept over resets.
     */
    public void setFastForwardLimit(long tb) { s.fastForwardLimit = tb; }

    /** After an {@link StopReason#IDLE} stop in instruction time: the TB of the next armed timer event, Long.MAX_VALUE for none. */
    public long idleUntilTimeBase() { return s.idleTb; }

    /** The time base at the last {@link StopReason#WATCHDOG} stop. */
    public long watchdogTimeBase() { return s.watchdogTb; }

    /** True when the reservation set by lwarx/ldarx is still held. */
    public boolean hasReservation() { return s.resValid; }

    /** The mnemonic family this core decodes {@code word} to (e.g. "add"), or "(illegal)". */
    public String mnemonic(int word) { return interp.table().name(word); }

    /** The exception of the last {@link StopReason#ENGINE_ERROR} stop since reset, or null. */
    public Throwable engineError() { return interp.lastEngineError(); }

    /** Same as {@link #engineError()} (the name tests have used). */
    public Throwable lastEngineError() { return interp.lastEngineError(); }

    /**
     * For tests of the engine-error path only: every later execution of an instruction with
     * {@code word} throws inside its handler, in both tiers, as an engine bug would. Also set
     * for every CPU made while the system property {@code epaprlab.engine.fault-word} holds a
     * word (e.g. {@code 0x7c0004ac}), so a whole lab can be run with it.
     */
    public void injectEngineFault(int word) { interp.injectEngineFault(word); }

    // Details of the last UNHANDLED_INTERRUPT or ENGINE_ERROR (or WATCHDOG) stop.
    /** IVOR number (0..42) of the interrupt that had no handler; -1 before any such stop and after an engine error. */
    public int stopInterrupt() { return s.stopInterrupt; }
    public long stopPc() { return s.stopPc; }
    public int stopInsn() { return s.stopInsn; }
    /** Human-readable cause, e.g. "program interrupt (illegal instruction) but IVOR6 was never set". */
    public String stopDetail() { return s.stopDetail; }

    private static void checkSpr(int n) {
        if (n < 0 || n > 1023) throw new IllegalArgumentException("SPR number out of range: " + n);
    }
}
