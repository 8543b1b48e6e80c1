package epaprlab.machine.device;

import static org.junit.jupiter.api.Assertions.*;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GutsTest {
    record Case(String why, long offset, int size, long write, long read, int resets) {
        @Override public String toString() { return why; }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("PVR reads the core's PVR", 0xA0, 4, -1, 0x80230020L, 0),
                new Case("SVR reads 0", 0xA4, 4, -1, 0, 0),
                new Case("PORPLLSR not modelled", 0x00, 4, -1, 0, 0),
                new Case("RSTCR reads 0", 0xB0, 4, -1, 0, 0),
                new Case("RSTCR HRESET_REQ resets (U-Boot and Linux write 2)", 0xB0, 4, 0x2, 0, 1),
                new Case("RSTCR with other bits too", 0xB0, 4, 0xFFFFFFFFL, 0, 1),
                new Case("RSTCR without HRESET_REQ", 0xB0, 4, 0x1, 0, 0),
                new Case("RSTCR byte store is refused", 0xB3, 1, 0x2, 0, 0),
                new Case("RSTCR halfword store is refused", 0xB0, 2, 0x2, 0, 0),
                new Case("PVR byte load is refused", 0xA0, 1, -1, 0, 0),
                new Case("PVR doubleword load is refused", 0xA0, 8, -1, 0, 0),
                new Case("writes elsewhere are ignored", 0x70, 4, 0x2, 0, 0),
                new Case("PVR is read-only", 0xA0, 4, 0x1234, 0x80230020L, 0));
    }

    @ParameterizedTest @MethodSource("cases")
    void registersAsQemuShowsThem(Case c) {
        int[] resets = {0};
        Guts g = new Guts(0x80230020L, () -> resets[0]++);
        if (c.write != -1) g.write(c.offset, c.size, c.write);
        assertEquals(c.resets, resets[0]);
        assertEquals(c.read, g.read(c.offset, c.size));
    }
}
