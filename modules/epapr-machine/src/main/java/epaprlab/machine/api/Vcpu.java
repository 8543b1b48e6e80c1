package epaprlab.machine.api;

/**
 * One virtual CPU, shaped like a KVM vCPU file descriptor: {@link #run(long)} is
 * {@code KVM_RUN}, {@link #exit()} the shared {@code kvm_run} page, the register accessors
 * {@code KVM_GET/SET_REGS} and {@code ONE_REG}.
 *
 * <p>Not thread-safe: one thread runs a vCPU at a time. Only {@link #requestImmediateExit()} may be
 * called from any thread.
 */
public interface Vcpu {
    int id();

    /**
     * Runs guest code until it needs the host or {@code budget} instructions have executed, and
     * returns {@code exit().reason()}. A pending hypercall exit is completed first: {@code ret}
     * goes to r3 and {@code args[1..7]} to r4..r10, and the guest resumes after its {@code sc 1}.
     */
    ExitReason run(long budget);

    /** The reused exit record. */
    VcpuExit exit();

    /** {@code KVM_ENABLE_CAP} on this vCPU. */
    void enableCapability(Capability capability);

    boolean capabilityEnabled(Capability capability);

    /** Like {@code immediate_exit} plus a kick: a running or the next {@link #run} returns INTR soon. */
    void requestImmediateExit();

    /**
     * The architected retired-instruction count: 0 after a reset, the saved count after a
     * {@link #restoreState} (with the instruction time base it is the guest's clock). It goes
     * back on a reset or restore: to count work done, use {@link #instructionsExecuted}.
     */
    long instructionsRetired();

    /**
     * Instructions this vCPU has executed since it was created, never going back: a reset or a
     * restore does not undo the work it did. What VMs really ran is a difference of two readings.
     */
    long instructionsExecuted();

    long gpr(int n);
    void setGpr(int n, long value);
    long pc();
    void setPc(long value);
    long msr();
    void setMsr(long value);
    long spr(int n);
    void setSpr(int n, long value);

    /**
     * The external input line (IVOR4, MSR[EE]): a level, pending while raised. Any thread; a
     * running vCPU notices it within about 1000 instructions, an idle one at its next run.
     */
    void setExternalInterrupt(boolean raised);

    /** The critical input line (IVOR0, MSR[CE]): a level. Any thread. */
    void setCriticalInterrupt(boolean raised);

    /** A machine check (IVOR1, MSR[ME]): pending until taken, then {@code mcsrBits} ORed into MCSR. Any thread. */
    void raiseMachineCheck(long mcsrBits);

    /**
     * {@code hook} runs (on the raising thread; it must not block) whenever an interrupt is raised
     * for this vCPU by the host or by another vCPU's doorbell, so an idle vCPU's host can wake it.
     */
    void onInterruptRaised(Runnable hook);

    /** The condition register (32 bits). */
    int cr();
    void setCr(int value);
    /** FPR {@code n} as its IEEE double bits. */
    long fpr(int n);
    void setFpr(int n, long bits);
    int fpscr();
    void setFpscr(int value);

    /**
     * For debuggers and crash reports: the guest physical address a data access (or, with
     * {@code fetch}, an instruction fetch) of {@code ea} reaches in the vCPU's current
     * translation, or -1 when nothing maps it. No side effects; only while the vCPU does not run.
     */
    long debugPhysical(long ea, boolean fetch);

    /**
     * {@code KVM_SET_GUEST_DEBUG} with hardware watchpoints: data accesses overlapping one end
     * {@link #run} with a {@link ExitReason#DEBUG} exit after the accessing instruction. An empty
     * list clears them. Only while the vCPU does not run.
     */
    void setWatchpoints(java.util.List<epaprlab.ppc.cpu.Watchpoint> watchpoints);

    /** Keeps the last {@code n} taken branches and interrupts (0 = off, the default). Not while running. */
    void setBranchTrace(int n);

    /**
     * A debugger steps one instruction at a time ({@code KVM_GUESTDBG_SINGLESTEP}): a run that
     * delivers an asynchronous interrupt ends at the vector, before its first instruction (nothing
     * retired), so a breakpoint there is seen. Not while running.
     */
    void setStopAtVector(boolean on);

    /**
     * Instruction time, vCPUs taking turns: a waiting vCPU moves its time base on to its next
     * timer event only up to {@code tb} (what the others' time has reached); past it {@link #run}
     * returns an idle INTR exit and {@link #idleUntilTimeBase()} tells the event. Long.MAX_VALUE,
     * the default: as far as the event. Not while running.
     */
    void setFastForwardLimit(long tb);

    /** After an idle exit in instruction time: the time base of the next armed timer event, Long.MAX_VALUE for none. */
    long idleUntilTimeBase();

    /** The traced branches, oldest first, as pairs {@code [from0, to0, from1, to1, ...]}. Not while running. */
    long[] branchTrace();

    /** The guest time base now. */
    long timeBase();

    /**
     * The time base when the current or the last {@link #run} began; any thread. On the
     * instruction time base a value fixed by the instruction counts alone (a run begins at an
     * instruction boundary the exit loop chose), for devices that show guest time; 0 on the wall
     * clock, where devices follow the host's clock.
     */
    long timeBaseAtRunStart();

    /**
     * A board device's timer on this vCPU's time base (the ppce500 MPIC's global timers): at the
     * first event boundary where the time base has reached {@code tb}, the action given to
     * {@link #onDeviceTimer} runs on this vCPU's thread; on the instruction time base at the same
     * instruction on every run. Any thread; a deadline set while the vCPU runs counts from its
     * next run. Long.MAX_VALUE: none. {@link #reset} clears it.
     */
    void setDeviceTimer(long tb);

    /** What runs at the device timer's deadline (it may raise interrupts and set the next deadline). */
    void onDeviceTimer(Runnable action);

    /** MSR[CM]: the guest computes in 64-bit mode. */
    boolean is64BitMode();

    /**
     * Stops the vCPU until {@link #start}: {@link #run} executes nothing and returns an idle INTR
     * exit with no deadline, so its host schedules nothing until the vCPU is started (a secondary
     * CPU of a board, created halted). Only while the vCPU does not run; {@link #reset} ends it.
     */
    void halt();

    /**
     * Any thread: {@code setup} runs on the vCPU's own thread at the start of its next {@link #run}
     * (registers and TLB are that thread's to touch), then the vCPU leaves the halted state and
     * runs. Wakes an idle host through the {@link #onInterruptRaised} hook. A second start before
     * the first is applied replaces it (the last release wins, as with QEMU's spin table).
     */
    void start(java.util.function.Consumer<Vcpu> setup);

    /** The CPU's view of physical addresses outside RAM (the board's devices). Not while running. */
    void setPhysicalBus(epaprlab.ppc.mem.PhysicalBus bus);

    /** FLAT (EA = PA) or BOOK_E (the e500mc/e5500 MMU). Not while running. */
    void setTranslation(epaprlab.ppc.cpu.Translation translation);

    /** Writes one TLB entry as a {@code tlbwe} with these MAS values would (boot mappings). Own thread only. */
    void tlbWrite(int tlb, int esel, int mas1, long mas2, int mas3, int mas7);

    /** MPIC proxy ("coreint") mode: External Input takes its vector from {@code iack} into EPR; null = off. Any thread. */
    void setExternalProxy(java.util.function.IntSupplier iack);

    /** Puts the vCPU back in its power-on state (registers, pending exit), as after creation. */
    void reset();

    /**
     * This vCPU's state for a snapshot. A start posted by {@link #start} and not yet applied is
     * applied first (nothing runs meanwhile, and the next run would apply it before anything else).
     * Only while the vCPU does not run.
     */
    VcpuState saveState();

    /**
     * Puts the vCPU in {@code s} (same CPU model). If {@code s} was saved while the guest's
     * {@code EPAPRLAB_HC_SNAPSHOT} call was out with the host, the call is completed at once with
     * r3 = 0 and r4 = 1, so the guest resumes after its {@code sc 1} knowing it was restored; any
     * other pending hypercall stays pending with its saved answer. Only while the vCPU does not run.
     */
    void restoreState(VcpuState s);
}
