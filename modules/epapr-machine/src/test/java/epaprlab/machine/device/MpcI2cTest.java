package epaprlab.machine.device;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The I2C controller driven the way Linux's i2c-mpc and U-Boot's fsl_i2c do, with the DS1338 at 0x68. */
class MpcI2cTest {
    static final int ADR = 0x00, FDR = 0x04, CR = 0x08, SR = 0x0C, DR = 0x10;
    /** Tuesday 2026-11-24 23:59:58 UTC. */
    static final Instant NOW = Instant.parse("2026-11-24T23:59:58Z");

    private boolean irq;
    private final MpcI2c i2c = new MpcI2c(l -> irq = l).attach(Ds1338.ADDRESS, new Ds1338(Clock.fixed(NOW, ZoneOffset.UTC)));

    private int rd(int off) { return (int) i2c.read(off, 1); }

    private void wr(int off, int v) { i2c.write(off, 1, v); }

    private void expectByteDone() {
        assertEquals(0x82, rd(SR) & 0x83, "MCF and MIF set, acknowledged");
        wr(SR, 0);
    }

    /** Sets the register pointer, then reads {@code n} registers (repeated START, dummy read first). */
    private int[] readRegisters(int first, int n) {
        wr(CR, 0x80);                                // MEN
        wr(CR, 0xB0);                                // MSTA | MTX: START
        wr(DR, Ds1338.ADDRESS << 1);
        expectByteDone();
        wr(DR, first);
        expectByteDone();
        wr(CR, 0xB4);                                // RSTA
        wr(DR, Ds1338.ADDRESS << 1 | 1);
        expectByteDone();
        wr(CR, 0xA0);                                // receive
        rd(DR);                                      // dummy read starts the first byte
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            if (i == n - 1) wr(CR, 0xA8);            // TXAK before the last byte
            expectByteDone();
            r[i] = rd(DR);
        }
        wr(CR, 0x80);                                // STOP
        return r;
    }

    private void writeRegisters(int first, int... values) {
        wr(CR, 0x80);
        wr(CR, 0xB0);
        wr(DR, Ds1338.ADDRESS << 1);
        expectByteDone();
        wr(DR, first);
        expectByteDone();
        for (int v : values) { wr(DR, v); expectByteDone(); }
        wr(CR, 0x80);
    }

    record Reg(String name, int offset, int value) {
        @Override public String toString() { return name; }
    }

    static Stream<Reg> resetValues() {
        return Stream.of(new Reg("ADR", ADR, 0), new Reg("FDR", FDR, 0), new Reg("CR", CR, 0), new Reg("SR", SR, 0x81),
                new Reg("DR", DR, 0));
    }

    @ParameterizedTest @MethodSource("resetValues")
    void registersResetToQemusValues(Reg r) {
        assertEquals(r.value, rd(r.offset));
    }

    @Test
    void wideLoadsAreSplitIntoBigEndianBytes() {
        assertEquals(0x81000000L, i2c.read(SR, 4), "as qemu-system-ppc 7.2 answered md.l");
        assertEquals(0, i2c.read(0x14, 1), "DFSRR lies outside the 0x14-byte window");
    }

    @Test
    void rtcReadsHostTimeInBcd() {
        int[] t = readRegisters(0, 7);
        assertArrayEquals(new int[] {0x58, 0x59, 0x23, 3, 0x24, 0x11, 0x26}, t);   // weekday: Sunday = 1
        assertEquals(0x80, rd(CR));
        assertEquals(0, rd(SR) & 0x20, "bus free after STOP");
    }

    @Test
    void settingTheTimeMovesTheOffsetAndCarriesLikeMktime() {
        writeRegisters(5, 0x02);                    // February 24
        writeRegisters(4, 0x31);                    // February 31: mktime carries into March
        int[] t = readRegisters(0, 7);
        assertEquals(0x03, t[5], "month");
        assertEquals(0x03, t[4], "2026-02-31 is 2026-03-03");
        writeRegisters(2, 0x40 | 0x20 | 0x11);      // 12-hour mode, 11 PM
        t = readRegisters(0, 3);
        assertEquals(0x23, t[2], "11 PM; QEMU never keeps the 12-hour flag, so it reads back in 24-hour form");
    }

    @Test
    void nvramStoresBytesAndThePointerWraps() {
        writeRegisters(0x3E, 0xAB, 0xCD);
        int[] r = readRegisters(0x3E, 3);
        assertEquals(0xAB, r[0]);
        assertEquals(0xCD, r[1]);
        assertEquals(0x58, r[2], "wrapped to the seconds register");
    }

    @Test
    void controlOscillatorStopFlagCanOnlyBeCleared() {
        writeRegisters(7, 0x20 | 0x10 | 0x4C);
        assertEquals(0x10, readRegisters(7, 1)[0], "OSF stays 0, bits 2, 3 and 6 read 0");
    }

    @Test
    void aMissingDeviceOnlySetsRxakSoTheDriverTimesOut() {
        wr(CR, 0x80);
        wr(CR, 0xB0);
        wr(DR, 0x50 << 1);
        assertEquals(0x01, rd(SR) & 0x03, "no MIF, RXAK");
        assertFalse(irq);
    }

    @Test
    void irqFollowsMenMienAndMif() {
        wr(CR, 0xC0);                                // MEN | MIEN
        wr(CR, 0xF0);                                // + MSTA | MTX
        wr(DR, Ds1338.ADDRESS << 1);
        assertTrue(irq);
        wr(SR, 0);
        assertFalse(irq);
        wr(DR, 0);
        assertTrue(irq);
        wr(CR, 0x40);                                // MEN off: soft reset keeps ADR only
        assertFalse(irq);
        assertEquals(0x81, rd(SR));
    }

    @Test
    void disablingKeepsTheSlaveAddressAndMasksWrites() {
        wr(CR, 0x80);
        wr(ADR, 0xFF);
        wr(FDR, 0xFF);
        assertEquals(0xFE, rd(ADR));
        assertEquals(0x3F, rd(FDR));
        wr(CR, 0x00);
        assertEquals(0xFE, rd(ADR));
        assertEquals(0, rd(FDR));
        wr(DR, 0x55);
        assertEquals(0, rd(DR), "DR ignores writes while disabled");
    }

    @Test
    void attachingTwiceOrOutOfRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> i2c.attach(Ds1338.ADDRESS, new Ds1338(Clock.systemUTC())));
        assertThrows(IllegalArgumentException.class, () -> i2c.attach(128, new Ds1338(Clock.systemUTC())));
    }
}
