package epaprlab.machine.device;

import static org.junit.jupiter.api.Assertions.*;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class QoriqGpioTest {
    static final int GPDIR = 0x00, GPODR = 0x04, GPDAT = 0x08, GPIER = 0x0C, GPIMR = 0x10, GPICR = 0x14, GPIBE = 0x18;

    private int powerOffs;
    private boolean irq;
    private final QoriqGpio gpio = new QoriqGpio(l -> irq = l, () -> powerOffs++);

    private void wr(int off, long v) { gpio.write(off, 4, v); }

    private long rd(int off) { return gpio.read(off, 4); }

    /** One register write sequence and how many power-off requests it makes. */
    record Seq(String why, long[][] writes, int powerOffs) {
        @Override public String toString() { return why; }
    }

    static long[] w(int off, long v) { return new long[] {off, v}; }

    static Stream<Seq> sequences() {
        return Stream.of(
                new Seq("U-Boot poweroff", new long[][] {w(GPIBE, 0xFFFFFFFFL), w(GPDAT, 0), w(GPDIR, 0x80000000L), w(GPDAT, 0x80000000L)}, 1),
                new Seq("Linux gpio-poweroff: output low at probe, then value 1", new long[][] {w(GPIBE, 0xFFFFFFFFL),
                        w(GPIER, 0xFFFFFFFFL), w(GPIMR, 0), w(GPDAT, 0), w(GPDIR, 0x80000000L), w(GPDAT, 0x80000000L)}, 1),
                new Seq("data before direction drives nothing", new long[][] {w(GPDAT, 0x80000000L), w(GPDIR, 0x80000000L)}, 0),
                new Seq("input pin 0 rising drives nothing", new long[][] {w(GPDAT, 0x80000000L)}, 0),
                new Seq("pin 0 falling is not a request", new long[][] {w(GPDIR, 0x80000000L), w(GPDAT, 0x80000000L), w(GPDAT, 0)}, 1),
                new Seq("rewriting 1 is not a new rise", new long[][] {w(GPDIR, 0x80000000L), w(GPDAT, 0x80000000L), w(GPDAT, 0x80000000L)}, 1),
                new Seq("every rise counts", new long[][] {w(GPDIR, 0x80000000L), w(GPDAT, 0x80000000L), w(GPDAT, 0), w(GPDAT, 0x80000000L)}, 2),
                new Seq("other output pins are not power-off", new long[][] {w(GPDIR, 0xFFFFFFFFL), w(GPDAT, 0x7FFFFFFFL)}, 0));
    }

    @ParameterizedTest @MethodSource("sequences")
    void pinZeroRisingAsAnOutputRequestsPowerOff(Seq s) {
        for (long[] x : s.writes) wr((int) x[0], x[1]);
        assertEquals(s.powerOffs, powerOffs);
    }

    @Test
    void registersStoreAndReadBackAndResetToZero() {
        int[] regs = {GPDIR, GPODR, GPDAT, GPIMR, GPICR};
        for (int r : regs) wr(r, 0x12345678L + r);
        for (int r : regs) assertEquals(0x12345678L + r, rd(r));
        wr(GPIBE, 0xFFFFFFFFL);
        assertEquals(0, rd(GPIBE), "GPIBE and above are not modelled");
        gpio.reset();
        for (int r : regs) assertEquals(0, rd(r));
    }

    @Test
    void onlyWordAccessesAreHonoured() {
        gpio.write(GPDIR, 1, 0xFF);
        gpio.write(GPDIR, 2, 0xFFFF);
        assertEquals(0, rd(GPDIR));
        wr(GPDIR, 0x80000000L);
        assertEquals(0, gpio.read(GPDIR, 1));
        gpio.write(GPDAT, 8, 0x80000000_80000000L);
        assertEquals(0, powerOffs);
    }

    @Test
    void interruptEventsAreWriteOneToClearAndNeverSetWithoutInputs() {
        wr(GPIMR, 0xFFFFFFFFL);
        assertFalse(irq);
        wr(GPIER, 0xFFFFFFFFL);
        assertEquals(0, rd(GPIER));
        assertFalse(irq);
    }
}
