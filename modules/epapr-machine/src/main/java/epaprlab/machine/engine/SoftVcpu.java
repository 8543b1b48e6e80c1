package epaprlab.machine.engine;

import static epaprlab.machine.hcall.HcallAbi.EPAPRLAB_HC_SNAPSHOT;
import static epaprlab.machine.hcall.HcallAbi.EV_IDLE;
import static epaprlab.machine.hcall.HcallAbi.EV_SUCCESS;
import static epaprlab.machine.hcall.HcallAbi.EV_UNIMPLEMENTED;
import static epaprlab.machine.hcall.HcallAbi.KVM_HC_FEATURES;

import epaprlab.machine.api.Capability;
import epaprlab.machine.api.ExitReason;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.api.VcpuExit;
import epaprlab.machine.api.VcpuState;
import epaprlab.machine.api.VmSpec;
import epaprlab.ppc.cpu.Cpu;
import epaprlab.ppc.cpu.StopReason;
import epaprlab.ppc.cpu.TimeSource;
import epaprlab.ppc.cpu.Translation;
import epaprlab.ppc.mem.GuestMemory;
import epaprlab.ppc.mem.PhysicalBus;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * A vCPU of the software engine: the KVM_RUN loop around the interpreter.
 *
 * <p>Hypercalls the engine answers itself ("in kernel", like KVM's {@code kvmppc_kvm_pv}) never
 * leave {@link #run}; every other one becomes a {@link ExitReason#EPAPR_HCALL} exit when the
 * capability is enabled, and gets {@code EV_UNIMPLEMENTED} (r4 = 0) when it is not.
 *
 * <p>Idling: EV_IDLE (answered in-engine with EV_SUCCESS) and {@code wait} put the CPU in its wait
 * state (the cores have no MSR[WE], as in QEMU); the engine then runs on until an interrupt is
 * deliverable, which in instruction time includes fast-forwarding the time base to the next
 * armed timer. Only when nothing can wake the guest by itself does {@link #run} return INTR with
 * {@code idle()} set (and, in wall-clock time, {@code idleUntilNanos()} = the next timer deadline).
 */
final class SoftVcpu implements Vcpu {
    private static final int SPR_PIR = 286;
    private static final long LOW32 = 0xFFFF_FFFFL;
    /** Registers of the exit's args[0..7]. */
    private static final int FIRST_ARG_GPR = 3;
    private static final int TOKEN_GPR = 11;

    private final int id;
    private final SoftVm vm;
    private final Cpu cpu;
    /** The time base is driven by instructions: {@link #runStartTb} is kept. */
    private final boolean instructionTime;
    /** The time base at the start of the current or last run (instruction time only), read by devices on any thread. */
    private volatile long runStartTb;
    private final VcpuExit exit = new VcpuExit();
    private boolean exitHcallEnabled;

    /** A hypercall exit is out with the host; the next run() completes it. */
    private boolean hcallPending;
    /** MSR[CM] when the pending hypercall left the guest: it decides the width both ways. */
    private boolean hcallWide;

    /** Halted until started: run() executes nothing (a board's secondary before its release). */
    private boolean halted;
    /**
     * What resets and restores took off the retired count ({@link #instructionsExecuted} adds it
     * back); changed after the count, so a reader on another thread may see a lower value for a
     * moment, never a higher one.
     */
    private volatile long rewound;
    /** A start posted by another thread, applied by this vCPU's own thread at its next run(). */
    private final AtomicReference<Consumer<Vcpu>> pendingStart = new AtomicReference<>();
    private volatile Runnable wakeHook = () -> {};

    SoftVcpu(int id, SoftVm vm, VmSpec spec, GuestMemory memory) {
        this.id = id;
        this.vm = vm;
        this.cpu = new Cpu(spec.cpu(), memory, spec.timeSource(), spec.timebaseHz());
        this.instructionTime = spec.timeSource() == TimeSource.INSTRUCTIONS;
        cpu.setCompileThreshold(spec.compileThreshold());
        reset();
    }

    @Override public int id() { return id; }

    @Override public VcpuExit exit() { return exit; }

    @Override
    public void enableCapability(Capability capability) {
        switch (capability) {
            case EXIT_EPAPR_HCALL -> exitHcallEnabled = true;
        }
    }

    @Override
    public boolean capabilityEnabled(Capability capability) {
        return switch (capability) {
            case EXIT_EPAPR_HCALL -> exitHcallEnabled;
        };
    }

    @Override
    public void requestImmediateExit() { cpu.requestStop(); }

    @Override
    public ExitReason run(long budget) {
        if (vm.claimSystemEvent(exit.systemEvent())) return leave(ExitReason.SYSTEM_EVENT, false);
        if (pendingStart.get() != null) {            // a plain volatile read on the usual path
            pendingStart.getAndSet(null).accept(this);
            halted = false;
        }
        if (halted) {
            exit.begin(ExitReason.INTR, true, -1);
            return ExitReason.INTR;
        }
        if (hcallPending) completeHcall();
        if (instructionTime) runStartTb = cpu.timeBase();
        long start = cpu.instructionsRetired();
        while (true) {
            long left = budget - (cpu.instructionsRetired() - start);
            if (left <= 0) return leave(ExitReason.INTR, false);
            StopReason stop = cpu.run(left);
            switch (stop) {
                case BUDGET -> {
                    return leave(ExitReason.INTR, false);
                }
                case KICKED -> {     // a device's reset/power-off kicks every vCPU: one of them reports it
                    return vm.claimSystemEvent(exit.systemEvent()) ? leave(ExitReason.SYSTEM_EVENT, false)
                            : leave(ExitReason.INTR, false);
                }
                case IDLE -> {
                    exit.begin(ExitReason.INTR, true, cpu.idleUntilNanos());
                    return ExitReason.INTR;
                }
                case WATCHDOG -> {
                    exit.setTimeBase(cpu.watchdogTimeBase());
                    return leave(ExitReason.WATCHDOG, false);
                }
                case UNHANDLED_INTERRUPT -> {
                    exit.internalError().set(cpu.stopPc(), cpu.stopInsn(), cpu.stopInterrupt(), cpu.stopDetail());
                    return leave(ExitReason.INTERNAL_ERROR, false);
                }
                case ENGINE_ERROR -> {       // KVM_INTERNAL_ERROR_EMULATION: the engine's fault, not the guest's
                    exit.internalError().setEmulationFailure(cpu.stopPc(), cpu.stopInsn(), cpu.engineError());
                    return leave(ExitReason.INTERNAL_ERROR, false);
                }
                case WATCHPOINT -> {
                    exit.debug().set(cpu.watchpointAddress(), cpu.watchpointHit().kind().kvmStatus(), cpu.stopPc());
                    return leave(ExitReason.DEBUG, false);
                }
                case HOST_OUT_OF_MEMORY -> {  // the host's failure: nothing written, run again retries
                    exit.internalError().setHostOutOfMemory(cpu.stopPc(), cpu.stopInsn(), cpu.stopDetail());
                    return leave(ExitReason.INTERNAL_ERROR, false);
                }
                case HYPERCALL -> {
                    boolean wide = cpu.is64BitMode();
                    long token = narrow(cpu.gpr(TOKEN_GPR), wide);
                    if (token == KVM_HC_FEATURES) {
                        answer(EV_SUCCESS);          // no magic page, as on e500mc KVM
                    } else if (token == EV_IDLE) {
                        answer(EV_SUCCESS);          // KVM: r3 = 0, then block until an interrupt is pending
                        cpu.enterWait();             // the interrupt returns to the instruction after sc 1
                    } else if (exitHcallEnabled) {
                        VcpuExit.Hcall h = exit.hcall();
                        h.begin(token);
                        for (int i = 0; i < VcpuExit.Hcall.ARGS; i++) {
                            h.loadArg(i, narrow(cpu.gpr(FIRST_ARG_GPR + i), wide));
                        }
                        hcallPending = true;
                        hcallWide = wide;
                        return leave(ExitReason.EPAPR_HCALL, false);
                    } else {
                        answer(EV_UNIMPLEMENTED);    // mainline KVM: r3 = 12, r4 = 0
                    }
                }
            }
        }
    }

    /** In-engine answer: r3 = status, r4 = 0, as KVM's kvmppc_kvm_pv writes both. */
    private void answer(int status) {
        cpu.setGpr(3, status);
        cpu.setGpr(4, 0);
    }

    private void completeHcall() {
        VcpuExit.Hcall h = exit.hcall();
        cpu.setGpr(3, narrow(h.ret(), hcallWide));
        for (int i = 1; i < VcpuExit.Hcall.ARGS; i++) {
            cpu.setGpr(FIRST_ARG_GPR + i, narrow(h.arg(i), hcallWide));
        }
        hcallPending = false;
    }

    private ExitReason leave(ExitReason reason, boolean idle) {
        exit.begin(reason, idle);
        return reason;
    }

    private static long narrow(long value, boolean wide) {
        return wide ? value : value & LOW32;
    }

    @Override public long instructionsRetired() { return cpu.instructionsRetired(); }

    @Override public long instructionsExecuted() { return cpu.instructionsRetired() + rewound; }
    @Override public long gpr(int n) { return cpu.gpr(n); }
    @Override public void setGpr(int n, long value) { cpu.setGpr(n, value); }
    @Override public long pc() { return cpu.pc(); }
    @Override public void setPc(long value) { cpu.setPc(value); }
    @Override public long msr() { return cpu.msr(); }
    @Override public void setMsr(long value) { cpu.setMsr(value); }
    @Override public long spr(int n) { return cpu.spr(n); }
    @Override public void setSpr(int n, long value) { cpu.setSpr(n, value); }
    @Override public boolean is64BitMode() { return cpu.is64BitMode(); }
    @Override public int cr() { return cpu.cr(); }
    @Override public void setBranchTrace(int n) { cpu.setBranchTrace(n); }
    @Override public void setStopAtVector(boolean on) { cpu.setStopAtVector(on); }
    @Override public void setFastForwardLimit(long tb) { cpu.setFastForwardLimit(tb); }
    @Override public long idleUntilTimeBase() { return halted ? Long.MAX_VALUE : cpu.idleUntilTimeBase(); }   // halted: only a start wakes it
    @Override public long[] branchTrace() { return cpu.branchTrace(); }
    @Override public void setCr(int value) { cpu.setCr(value); }
    @Override public long fpr(int n) { return cpu.fpr(n); }
    @Override public void setFpr(int n, long bits) { cpu.setFpr(n, bits); }
    @Override public int fpscr() { return cpu.fpscr(); }
    @Override public void setFpscr(int value) { cpu.setFpscr(value); }
    @Override public void setWatchpoints(java.util.List<epaprlab.ppc.cpu.Watchpoint> list) { cpu.setWatchpoints(list); }
    @Override public long debugPhysical(long ea, boolean fetch) { return cpu.debugPhysical(ea, fetch); }
    @Override public void setExternalInterrupt(boolean raised) { cpu.setExternalInterrupt(raised); }
    @Override public void setCriticalInterrupt(boolean raised) { cpu.setCriticalInterrupt(raised); }
    @Override public void raiseMachineCheck(long mcsrBits) { cpu.raiseMachineCheck(mcsrBits); }
    @Override
    public void onInterruptRaised(Runnable hook) {
        wakeHook = hook;
        cpu.onInterruptRaised(hook);
    }

    @Override public void halt() { halted = true; }

    @Override
    public void start(Consumer<Vcpu> setup) {
        pendingStart.set(setup);
        wakeHook.run();
    }

    @Override public void setPhysicalBus(PhysicalBus bus) { cpu.setPhysicalBus(bus); }
    @Override public void setTranslation(Translation translation) { cpu.setTranslation(translation); }

    @Override
    public void tlbWrite(int tlb, int esel, int mas1, long mas2, int mas3, int mas7) {
        cpu.tlbWrite(tlb, esel, mas1, mas2, mas3, mas7);
    }

    @Override public void setExternalProxy(IntSupplier iack) { cpu.setExternalProxy(iack); }
    @Override public long timeBase() { return cpu.timeBase(); }
    @Override public long timeBaseAtRunStart() { return runStartTb; }
    @Override public void setDeviceTimer(long tb) { cpu.setDeviceTimer(tb); }
    @Override public void onDeviceTimer(Runnable action) { cpu.onDeviceTimer(action); }

    @Override
    public VcpuState saveState() {
        Consumer<Vcpu> start = pendingStart.getAndSet(null);
        if (start != null) {
            start.accept(this);
            halted = false;
        }
        Optional<VcpuState.PendingHcall> hcall = Optional.empty();
        if (hcallPending) {
            VcpuExit.Hcall h = exit.hcall();
            long[] args = new long[VcpuExit.Hcall.ARGS];
            for (int i = 0; i < args.length; i++) args[i] = h.arg(i);
            hcall = Optional.of(new VcpuState.PendingHcall(h.nr(), h.ret(), args, hcallWide));
        }
        return new VcpuState(cpu.saveState(), halted, hcall);
    }

    @Override
    public void restoreState(VcpuState s) {
        long before = cpu.instructionsRetired();
        cpu.restoreState(s.cpu());
        rewound += before - cpu.instructionsRetired();
        halted = s.halted();
        pendingStart.set(null);
        exit.begin(ExitReason.INTR, false);
        hcallPending = s.hcall().isPresent();
        if (!hcallPending) return;
        VcpuState.PendingHcall p = s.hcall().get();
        VcpuExit.Hcall h = exit.hcall();
        h.begin(p.nr());
        for (int i = 0; i < VcpuExit.Hcall.ARGS; i++) h.loadArg(i, p.args()[i]);
        h.setRet(p.ret());
        hcallWide = p.wide();
        if (p.nr() == EPAPRLAB_HC_SNAPSHOT) {                  // fork's child: r3 = 0 (taken), r4 = 1 (restored)
            h.setRet(EV_SUCCESS);
            h.setArg(1, 1);
            completeHcall();
        }
    }

    @Override
    public void reset() {
        long before = cpu.instructionsRetired();
        cpu.reset();
        rewound += before;
        cpu.setSpr(SPR_PIR, id);
        hcallPending = false;
        halted = false;
        pendingStart.set(null);
        vm.clearSystemEvent();
        exit.begin(ExitReason.INTR, false);
    }
}
