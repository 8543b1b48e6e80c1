package epaprlab.ppc.timer;

import static epaprlab.ppc.cpu.Tcr.TSR_ENW;
import static epaprlab.ppc.cpu.Tcr.TSR_WIS;
import static epaprlab.ppc.cpu.Tcr.TSR_WRS;
import static epaprlab.ppc.cpu.Tcr.WRC;

import epaprlab.ppc.cpu.Tcr;

/**
 * Watchdog (spec 5.7): each 0→1 transition of the TB bit TCR[WP|WPEXT] selects sets TSR[ENW]
 * if clear, else TSR[WIS] if clear, else is the final expiry: TCR[WRC] is copied to TSR[WRS]
 * and, when WRC is not 0 (0 = no action), the CPU stops with WATCHDOG.
 */
final class Watchdog {
    private Watchdog() {}

    /** TSR after the transitions in (from, to]; bit 63 of the result set = final expiry with action. */
    static long advance(long from, long to, long tsr, long tcr) {
        long n = TbBit.between(from, to, Tcr.watchdogBit(tcr));
        for (long i = 0; i < n && i < 3; i++) {
            if ((tsr & TSR_ENW) == 0) tsr |= TSR_ENW;
            else if ((tsr & TSR_WIS) == 0) tsr |= TSR_WIS;
            else if ((tcr & WRC) != 0) return (tsr & ~TSR_WRS) | (tcr & WRC) | Long.MIN_VALUE;
        }
        return tsr;
    }

    /** Next TB that changes state: while ENW/WIS can still be set, or a final action is armed. */
    static long nextEvent(long tb, long tsr, long tcr) {
        boolean saturated = (tsr & TSR_ENW) != 0 && (tsr & TSR_WIS) != 0 && (tcr & WRC) == 0;
        return saturated ? Long.MAX_VALUE : TbBit.next(tb, Tcr.watchdogBit(tcr));
    }
}
