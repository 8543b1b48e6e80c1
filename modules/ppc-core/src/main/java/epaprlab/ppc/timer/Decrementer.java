package epaprlab.ppc.timer;

import static epaprlab.ppc.cpu.Tcr.ARE;
import static epaprlab.ppc.cpu.Tcr.TSR_DIS;

/**
 * DEC (32 bits), decremented at the time-base rate and kept lazily: {@code base} was its value at
 * TB {@code since}. When it decrements from 1 to 0 TSR[DIS] is set; with TCR[ARE] it is reloaded
 * from DECAR at that same tick (QEMU {@code booke_decr_cb}: the period is DECAR ticks), otherwise
 * it stops at 0. Writing 0 stops it and raises nothing (spec 5.7).
 */
final class Decrementer {
    private long base, since;

    void reset(long tb) { base = 0; since = tb; }

    long base() { return base; }
    long since() { return since; }

    void restore(long base, long since) { this.base = base; this.since = since; }

    /** DEC at {@code tb}; valid after {@link #advance} to {@code tb}. */
    long read(long tb) { return base == 0 ? 0 : base - (tb - since); }

    void write(long tb, long value) { base = value & 0xFFFFFFFFL; since = tb; }

    /** TB at which DEC next reaches 0, or Long.MAX_VALUE when it is stopped. */
    long nextEvent() { return base == 0 ? Long.MAX_VALUE : since + base; }

    /** Brings DEC to {@code tb}; returns the new TSR. */
    long advance(long tb, long tsr, long tcr, long decar) {
        if (base == 0) return tsr;
        long zeroAt = since + base;
        if (tb - zeroAt < 0) return tsr;
        decar &= 0xFFFFFFFFL;
        if ((tcr & ARE) != 0 && decar != 0) {
            long periods = (tb - zeroAt) / decar;       // several periods when wall-clock time jumped
            since = zeroAt + periods * decar;
            base = decar;
        } else {
            since = tb;
            base = 0;
        }
        return tsr | TSR_DIS;
    }
}
