package epaprlab.ppc.timer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import epaprlab.ppc.cpu.Tcr;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Tables for the timer arithmetic; expected values are reasoned in each row's comment. */
class TimerTablesTest {

    record Edge(long from, long to, int bit, long transitions, long nextAfterFrom) {}

    // bit i goes 0→1 at 2^i + k·2^(i+1): bit 0 at 1,3,5..; bit 2 at 4,12,20..
    static final List<Edge> EDGES = List.of(
            new Edge(0, 1, 0, 1, 1),                // tick 1 sets bit 0
            new Edge(1, 2, 0, 0, 3),                // 1→2 clears it
            new Edge(0, 10, 0, 5, 1),               // 1,3,5,7,9
            new Edge(0, 3, 2, 0, 4),
            new Edge(3, 4, 2, 1, 4),
            new Edge(4, 12, 2, 1, 12),              // 12 counts, 4 does not (interval is (4,12])
            new Edge(10, 5, 2, 0, 12),              // TB went backwards: nothing
            new Edge(0, Long.MAX_VALUE, 63, 0, Long.MAX_VALUE),   // bit 63 never, as with TCR = 0
            new Edge(-8, -1, 1, 2, Long.MAX_VALUE));              // beyond 2^63: counted, never scheduled

    @Test
    void tbBitTransitions() {
        for (Edge e : EDGES) {
            assertEquals(e.transitions(), TbBit.between(e.from(), e.to(), e.bit()), e.toString());
            assertEquals(e.nextAfterFrom(), TbBit.next(e.from(), e.bit()), e.toString());
        }
    }

    record Dec(long written, long writeTb, long tcr, long decar, long at, long expectDec, boolean expectDis, long expectNext) {}

    static final List<Dec> DECS = List.of(
            new Dec(10, 0, 0, 0, 9, 1, false, 10),                  // not yet
            new Dec(10, 0, 0, 0, 10, 0, true, Long.MAX_VALUE),      // 1→0 at TB 10, stops
            new Dec(10, 0, 0, 0, 50, 0, true, Long.MAX_VALUE),
            new Dec(10, 5, Tcr.ARE, 4, 15, 4, true, 19),            // zero at 15 → reloaded with DECAR
            new Dec(10, 5, Tcr.ARE, 4, 24, 3, true, 27),            // periods at 15,19,23: DEC 4 at 23, 3 at 24
            new Dec(10, 5, Tcr.ARE, 0, 15, 0, true, Long.MAX_VALUE),// DECAR 0 reloads 0: stopped
            new Dec(0, 0, Tcr.ARE, 4, 100, 0, false, Long.MAX_VALUE),// writing 0 raises nothing
            new Dec(0xFFFFFFFFL, 0, 0, 0, 1, 0xFFFFFFFEL, false, 0xFFFFFFFFL));

    @Test
    void decrementer() {
        for (Dec d : DECS) {
            Decrementer dec = new Decrementer();
            dec.reset(0);
            dec.write(d.writeTb(), d.written());
            long tsr = dec.advance(d.at(), 0, d.tcr(), d.decar());
            assertEquals(d.expectDec(), dec.read(d.at()), d.toString());
            assertEquals(d.expectDis(), (tsr & Tcr.TSR_DIS) != 0, d.toString());
            assertEquals(d.expectNext(), dec.nextEvent(), d.toString());
        }
    }

    record Wd(long tsrBefore, long tcr, long transitions, long expectTsr, boolean expectExpiry) {}

    // TCR WP/WPEXT = 63 → bit 0: a transition at every odd TB, so (0, 2t-1] holds t transitions
    static final long BIT0 = (3L << 30) | (15L << 17);

    static final List<Wd> WDS = List.of(
            new Wd(0, BIT0, 1, Tcr.TSR_ENW, false),
            new Wd(0, BIT0, 2, Tcr.TSR_ENW | Tcr.TSR_WIS, false),
            new Wd(0, BIT0 | (1L << 28), 3, Tcr.TSR_ENW | Tcr.TSR_WIS | (1L << 28), true),
            new Wd(0, BIT0, 3, Tcr.TSR_ENW | Tcr.TSR_WIS, false),              // WRC 0: no action
            new Wd(Tcr.TSR_ENW, BIT0, 1, Tcr.TSR_ENW | Tcr.TSR_WIS, false),    // ENW already set
            new Wd(Tcr.TSR_ENW | Tcr.TSR_WIS, BIT0 | (3L << 28), 1, Tcr.TSR_ENW | Tcr.TSR_WIS | (3L << 28), true),
            new Wd(0, BIT0, 0, 0, false));

    @Test
    void watchdogStages() {
        assertEquals(0, Tcr.watchdogBit(BIT0));
        for (Wd w : WDS) {
            long r = Watchdog.advance(0, 2 * w.transitions() - 1, w.tsrBefore(), w.tcr());
            assertEquals(w.expectExpiry(), r < 0, w.toString());
            assertEquals(w.expectTsr(), r & 0xFFFFFFFFL, w.toString());
        }
    }

    record Period(long tcr, int watchdogBit, int fitBit) {}

    // spec 5.7: bit = 63 - (P | PEXT << 2)
    static final List<Period> PERIODS = List.of(
            new Period(0, 63, 63),
            new Period(Tcr.WP | Tcr.FP, 60, 60),
            new Period(Tcr.WPEXT | Tcr.FPEXT, 3, 3),                  // 63 - 60
            new Period(Tcr.WP | Tcr.WPEXT, 0, 63),
            new Period((1L << 30) | (2L << 17) | (2L << 24) | (5L << 13), 63 - 9, 63 - 22));

    @Test
    void periodSelection() {
        for (Period p : PERIODS) {
            assertEquals(p.watchdogBit(), Tcr.watchdogBit(p.tcr()), p.toString());
            assertEquals(p.fitBit(), Tcr.fitBit(p.tcr()), p.toString());
        }
    }
}
