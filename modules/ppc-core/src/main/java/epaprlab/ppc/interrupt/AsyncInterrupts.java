package epaprlab.ppc.interrupt;

import epaprlab.ppc.cpu.Msr;
import epaprlab.ppc.cpu.Spr;
import epaprlab.ppc.cpu.StopReason;
import epaprlab.ppc.cpu.Tcr;
import epaprlab.ppc.exec.CpuState;
import epaprlab.ppc.timer.Timers;

/**
 * Asynchronous interrupts, taken between instructions at the interpreter's event boundaries:
 * at the start of {@code run}, when the instruction count reaches {@link CpuState#limit} (the
 * next timer event, or right after an instruction that can unmask or change an interrupt), and
 * at the kick poll when another thread raised something. Synchronous interrupts are delivered by
 * the instruction itself, so they always come first; the async one is then judged against the
 * handler's MSR.
 *
 * <p>Priority (highest first; e500 core RM "interrupt priorities", QEMU
 * {@code ppc_next_unmasked_interrupt} for the timer order): machine check (MSR[ME]); critical
 * input, watchdog, critical doorbell (MSR[CE]); external input, FIT, decrementer, doorbell
 * (MSR[EE]). One is delivered per boundary: delivery only clears enables, so nothing else can
 * become deliverable at the same boundary.
 */
public final class AsyncInterrupts {
    private AsyncInterrupts() {}

    /** Wall-clock mode: instructions between looks at the timers. */
    public static final long WALL_CLOCK_POLL = 1024;

    /**
     * Brings timers up to date, delivers the most urgent deliverable interrupt, handles the wait
     * state, and sets {@link CpuState#limit} for a run ending at instruction {@code end}.
     * Returns the reason to stop, or null to go on.
     */
    public static StopReason service(CpuState s, long end) {
        s.pending.attention = false;            // before reading the requests: a later raise re-arms it
        if (s.mmu != null) s.mmu.drainRemote(); // tlbivax of other CPUs (they raised attention)
        Timers t = s.timers;
        t.sync(s);
        if (!t.timeBase().instructionDriven()) t.latchDevice();
        t.fireDevice(s);
        if (t.takeWatchdogExpiry()) return watchdog(s);
        int ivor = select(s);
        if (ivor < 0 && waiting(s)) {
            if (!t.timeBase().instructionDriven()) {
                long ev = t.nextArmedEvent(s);
                s.idleDeadline = ev == Long.MAX_VALUE ? -1 : t.timeBase().nanosAt(ev);
                return StopReason.IDLE;
            }
            // instruction time: nothing runs while waiting, so jump TB to the next armed event
            while (ivor < 0) {
                long ev = t.nextArmedEvent(s);
                if (ev == Long.MAX_VALUE || ev > Math.max(s.fastForwardLimit, t.tb(s))) {
                    s.idleDeadline = -1;
                    s.idleTb = ev;
                    return StopReason.IDLE;
                }
                t.fastForwardTo(s, ev);
                t.fireDevice(s);
                if (t.takeWatchdogExpiry()) return watchdog(s);
                ivor = select(s);
            }
        }
        if (ivor >= 0 && !take(s, ivor)) {
            StopReason r = s.stop;
            s.stop = null;
            return r;
        }
        setLimit(s, end);
        return null;
    }

    public static boolean waiting(CpuState s) { return s.waiting; }

    private static StopReason watchdog(CpuState s) {
        s.stopPc = s.pc;
        s.stopInsn = s.wordAt(s.pc);
        s.stopDetail = "watchdog final expiry (TCR[WRC]=%d) at time base %d"
                .formatted((s.sprs[Spr.slot(Spr.TCR)] & Tcr.WRC) >>> 28, s.timers.tb(s));
        s.watchdogTb = s.timers.tb(s);
        s.limit = 0;
        return StopReason.WATCHDOG;
    }

    /** The highest-priority interrupt deliverable now, or -1. */
    public static int select(CpuState s) {
        long msr = s.msr, tsr = s.sprs[Spr.slot(Spr.TSR)], tcr = s.sprs[Spr.slot(Spr.TCR)];
        int p = s.pending.bits();
        if ((p & PendingInterrupts.MACHINE_CHECK) != 0 && (msr & Msr.ME) != 0) return Ivor.MACHINE_CHECK;
        if ((msr & Msr.CE) != 0) {
            if ((p & PendingInterrupts.CRITICAL) != 0) return Ivor.CRITICAL_INPUT;
            if ((tsr & Tcr.TSR_WIS) != 0 && (tcr & Tcr.WIE) != 0) return Ivor.WATCHDOG;
            if ((p & PendingInterrupts.DOORBELL_CRITICAL) != 0) return Ivor.DOORBELL_CRITICAL;
        }
        if ((msr & Msr.EE) != 0) {
            if ((p & PendingInterrupts.EXTERNAL) != 0) return Ivor.EXTERNAL;
            if ((tsr & Tcr.TSR_FIS) != 0 && (tcr & Tcr.FIE) != 0) return Ivor.FIXED_INTERVAL;
            if ((tsr & Tcr.TSR_DIS) != 0 && (tcr & Tcr.DIE) != 0) return Ivor.DECREMENTER;
            if ((p & PendingInterrupts.DOORBELL) != 0) return Ivor.DOORBELL;
        }
        return -1;
    }

    /**
     * Delivers {@code ivor} with SRR0 = the next instruction; events are consumed, levels stay.
     * In MPIC proxy mode an External Input first acknowledges the MPIC and puts the vector in
     * EPR (QEMU's mpic_proxy).
     */
    private static boolean take(CpuState s, int ivor) {
        if (!Delivery.deliver(s, ivor, s.pc)) return false;
        switch (ivor) {
            case Ivor.EXTERNAL -> {
                java.util.function.IntSupplier iack = s.externalProxy;
                if (iack != null) s.sprs[Spr.slot(Spr.EPR)] = iack.getAsInt() & CpuState.MASK32;
            }
            case Ivor.MACHINE_CHECK -> s.sprs[Spr.slot(Spr.MCSR)] |= s.pending.takeMachineCheck();
            case Ivor.DOORBELL -> s.pending.set(PendingInterrupts.DOORBELL, false);
            case Ivor.DOORBELL_CRITICAL -> s.pending.set(PendingInterrupts.DOORBELL_CRITICAL, false);
            default -> {}
        }
        s.pc = s.nia;
        s.waiting = false;
        return true;
    }

    /** Instruction time: stop at the next timer event; wall-clock time: look every WALL_CLOCK_POLL. */
    private static void setLimit(CpuState s, long end) {
        long room = end - s.retired;
        long d;
        if (s.timers.timeBase().instructionDriven()) {
            long ev = s.timers.nextEvent(s);
            d = ev == Long.MAX_VALUE ? room : Math.max(1, ev - s.timers.tb(s));
        } else {
            d = WALL_CLOCK_POLL;
        }
        s.limit = d >= room ? end : s.retired + d;
    }
}
