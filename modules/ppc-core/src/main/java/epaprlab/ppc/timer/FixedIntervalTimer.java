package epaprlab.ppc.timer;

import static epaprlab.ppc.cpu.Tcr.FIE;
import static epaprlab.ppc.cpu.Tcr.TSR_FIS;

import epaprlab.ppc.cpu.Tcr;

/** FIT: TSR[FIS] on each 0→1 transition of the TB bit TCR[FP|FPEXT] selects (spec 5.7). */
final class FixedIntervalTimer {
    private FixedIntervalTimer() {}

    static long advance(long from, long to, long tsr, long tcr) {
        return TbBit.between(from, to, Tcr.fitBit(tcr)) != 0 ? tsr | TSR_FIS : tsr;
    }

    /** Next TB that can change anything: only when FIS is clear and the interrupt is enabled. */
    static long nextEvent(long tb, long tsr, long tcr) {
        if ((tsr & TSR_FIS) != 0 || (tcr & FIE) == 0) return Long.MAX_VALUE;
        return TbBit.next(tb, Tcr.fitBit(tcr));
    }
}
