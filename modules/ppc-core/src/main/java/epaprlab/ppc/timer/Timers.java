package epaprlab.ppc.timer;

import epaprlab.ppc.cpu.Msr;
import epaprlab.ppc.cpu.Spr;
import epaprlab.ppc.cpu.Tcr;
import epaprlab.ppc.cpu.TimeSource;
import epaprlab.ppc.exec.CpuState;

/**
 * Time base, decrementer, FIT and watchdog of one CPU, evaluated lazily: nothing runs per
 * instruction. State is brought up to date ({@link #sync}) when the guest or host reads or writes
 * a timer register and at the interpreter's event boundaries, whose distance comes from
 * {@link #nextEvent}. TSR and TCR live in {@code CpuState.spr}; DEC is kept here.
 *
 * <p><b>Device timer.</b> A board device that counts this CPU's time base (the ppce500 MPIC's
 * global timers) names its next expiry with {@link #setDeviceDeadline} from any thread; its
 * action runs on this CPU's thread at the event boundary where TB reaches it, so in instruction
 * time at the same instruction on every run and in every tier. A deadline set while the CPU runs
 * takes effect at the start of its next run (or right after the action itself, which re-arms
 * from a deterministic point): a boundary the attention flag causes comes at a tier-dependent
 * instruction and must not be where the deadline is first seen. In wall-clock time every
 * boundary takes the newest deadline.
 */
public final class Timers {
    private final TimeBase timeBase;
    private final Decrementer dec = new Decrementer();
    /** TB up to which DEC/FIT/watchdog have been evaluated. */
    private long lastTb;
    private boolean watchdogExpired;
    /** The device deadline as last set (any thread), and as this CPU's event boundaries use it. */
    private volatile long deviceSet = Long.MAX_VALUE;
    private long deviceAt = Long.MAX_VALUE;
    private Runnable deviceAction = () -> {};

    public Timers(TimeSource source, long hz) { this.timeBase = new TimeBase(source, hz); }

    /** The device's next expiry (time base), Long.MAX_VALUE for none; any thread. Returns true when it moved earlier. */
    public boolean setDeviceDeadline(long tb) {
        long old = deviceSet;
        deviceSet = tb;
        return tb < old;
    }

    /** What runs when TB reaches the device deadline (on this CPU's thread; it re-arms with {@link #setDeviceDeadline}). */
    public void onDeviceDeadline(Runnable action) { deviceAction = action; }

    /** Takes the deadline last set: at the start of a run, and at every boundary in wall-clock time. */
    public void latchDevice() { deviceAt = deviceSet; }

    /** Runs the device's action while its deadline has been reached (after {@link #sync}). */
    public void fireDevice(CpuState s) {
        while (deviceAt != Long.MAX_VALUE && tb(s) >= deviceAt) {
            long due = deviceAt;
            deviceAt = Long.MAX_VALUE;
            if (deviceSet == due) deviceSet = Long.MAX_VALUE;  // consumed, unless the device moved it meanwhile
            deviceAction.run();
            deviceAt = deviceSet;
        }
    }

    public TimeBase timeBase() { return timeBase; }

    public void reset(CpuState s) {
        timeBase.reset(s.retired);
        deviceSet = deviceAt = Long.MAX_VALUE;
        lastTb = 0;
        dec.reset(0);
        watchdogExpired = false;
    }

    public long tb(CpuState s) { return timeBase.read(s.retired); }

    /**
     * The lazily kept timer state for a snapshot: the time base now, the TB up to which DEC, FIT
     * and the watchdog were evaluated, DEC's base value and the TB it was set at, and a pending
     * watchdog action. TSR, TCR and DECAR are SPRs, saved with them.
     */
    public record State(long tb, long lastTb, long decBase, long decSince, boolean watchdogExpired) {}

    public State state(CpuState s) {
        return new State(tb(s), lastTb, dec.base(), dec.since(), watchdogExpired);
    }

    /**
     * Puts the timers in {@code st}'s state; {@link CpuState#retired} must already be restored.
     * The time base goes on from {@code st.tb()} in both time sources (in wall-clock time the
     * guest sees no time pass while it was saved, like a paused VM); DEC, FIT and the watchdog
     * keep their distance to their next events.
     */
    public void restore(CpuState s, State st) {
        timeBase.write(s.retired, st.tb());
        lastTb = st.lastTb();
        dec.restore(st.decBase(), st.decSince());
        watchdogExpired = st.watchdogExpired();
    }

    /** Evaluates every timer up to the current TB, updating TSR. */
    public void sync(CpuState s) {
        long now = tb(s);
        long tcr = s.sprs[Spr.slot(Spr.TCR)], tsr = s.sprs[Spr.slot(Spr.TSR)];
        tsr = dec.advance(now, tsr, tcr, s.sprs[Spr.slot(Spr.DECAR)]);
        tsr = FixedIntervalTimer.advance(lastTb, now, tsr, tcr);
        long w = Watchdog.advance(lastTb, now, tsr, tcr);
        if (w < 0) watchdogExpired = true;
        s.sprs[Spr.slot(Spr.TSR)] = w & CpuState.MASK32;
        lastTb = now;
    }

    /** True once after the watchdog's final expiry with a TCR[WRC] action (consumed by the call). */
    public boolean takeWatchdogExpiry() {
        boolean e = watchdogExpired;
        watchdogExpired = false;
        return e;
    }

    public long readDec(CpuState s) {
        sync(s);
        return dec.read(lastTb) & CpuState.MASK32;
    }

    public void writeDec(CpuState s, long v) {
        sync(s);
        dec.write(lastTb, v);
    }

    public long readTsr(CpuState s) {
        sync(s);
        return s.sprs[Spr.slot(Spr.TSR)];
    }

    /** Guest mtspr TSR: write-one-to-clear. */
    public void clearTsr(CpuState s, long v) {
        sync(s);
        s.sprs[Spr.slot(Spr.TSR)] &= ~v;
    }

    /** Host write of TSR: stored as given. */
    public void setTsr(CpuState s, long v) {
        sync(s);
        s.sprs[Spr.slot(Spr.TSR)] = v & CpuState.MASK32;
    }

    /** TCR write; WRC can only be changed from 0 (Book E: once set it holds until reset). */
    public void writeTcr(CpuState s, long v) {
        sync(s);
        long old = s.sprs[Spr.slot(Spr.TCR)];
        if ((old & Tcr.WRC) != 0) v = (v & ~Tcr.WRC) | (old & Tcr.WRC);
        s.sprs[Spr.slot(Spr.TCR)] = v & CpuState.MASK32;
    }

    /** TB write (TBL/TBU or host): DEC keeps its value, FIT/watchdog count from the new TB. */
    public void writeTb(CpuState s, long tb) {
        sync(s);
        long d = dec.read(lastTb);
        timeBase.write(s.retired, tb);
        lastTb = tb;
        dec.write(tb, d);
    }

    /** The next TB at which a timer changes state (valid right after {@link #sync}), or Long.MAX_VALUE. */
    public long nextEvent(CpuState s) {
        long tcr = s.sprs[Spr.slot(Spr.TCR)], tsr = s.sprs[Spr.slot(Spr.TSR)];
        return Math.min(Math.min(dec.nextEvent(), deviceAt),
                Math.min(FixedIntervalTimer.nextEvent(lastTb, tsr, tcr), Watchdog.nextEvent(lastTb, tsr, tcr)));
    }

    /**
     * The next TB at which a timer can make an interrupt deliverable under the current MSR (or
     * stop the CPU), or the device deadline (its action may raise one, here or on another CPU):
     * what an idle CPU waits for. Long.MAX_VALUE when none is armed.
     */
    public long nextArmedEvent(CpuState s) {
        long tcr = s.sprs[Spr.slot(Spr.TCR)], tsr = s.sprs[Spr.slot(Spr.TSR)], msr = s.msr;
        long t = deviceAt;
        boolean ee = (msr & Msr.EE) != 0, ce = (msr & Msr.CE) != 0;
        if (ee && (tcr & Tcr.DIE) != 0) t = Math.min(t, dec.nextEvent());
        if (ee) t = Math.min(t, FixedIntervalTimer.nextEvent(lastTb, tsr, tcr));
        if ((ce && (tcr & Tcr.WIE) != 0) || (tcr & Tcr.WRC) != 0) t = Math.min(t, Watchdog.nextEvent(lastTb, tsr, tcr));
        return t;
    }

    /** Instruction mode: moves TB forward to {@code tb} (idle fast-forward). */
    public void fastForwardTo(CpuState s, long tb) {
        long now = tb(s);
        if (tb - now > 0) timeBase.advance(tb - now);
        sync(s);
    }
}
