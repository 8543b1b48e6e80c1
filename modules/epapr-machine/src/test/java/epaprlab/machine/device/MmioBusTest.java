package epaprlab.machine.device;

import static org.junit.jupiter.api.Assertions.*;

import epaprlab.ppc.mem.PhysicalBus;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MmioBusTest {
    /** Remembers every access; reads answer a tag so the test sees which device was reached. */
    static final class Probe implements MmioDevice {
        final long tag;
        final List<String> log = new ArrayList<>();
        int resets;

        Probe(long tag) { this.tag = tag; }

        @Override public long read(long offset, int size) { log.add("r" + size + "@" + Long.toHexString(offset)); return tag; }

        @Override public void write(long offset, int size, long value) {
            log.add("w" + size + "@" + Long.toHexString(offset) + "=" + Long.toHexString(value));
        }

        @Override public long readBy(int cpu, long offset, int size) { log.add("cpu" + cpu); return read(offset, size); }

        @Override public void reset() { resets++; }
    }

    private final Probe uart = new Probe(0x11), pic = new Probe(0x22), gpio = new Probe(0x33);
    private final MmioBus bus = new MmioBus();

    {
        // mapped out of order on purpose: the bus keeps them sorted
        bus.map("pic", 0xF_E004_0000L, 0x40000, pic);
        bus.map("gpio", 0xF_E00F_F000L, 0x1000, gpio);
        bus.map("uart0", 0xF_E000_4500L, 8, uart);
    }

    record Case(String why, long pa, long expect) {
        @Override public String toString() { return why; }
    }

    static Stream<Case> reads() {
        return Stream.of(
                new Case("first byte of uart0", 0xF_E000_4500L, 0x11),
                new Case("last byte of uart0", 0xF_E000_4507L, 0x11),
                new Case("one past uart0 is a hole", 0xF_E000_4508L, 0),
                new Case("one before uart0 is a hole", 0xF_E000_44FFL, 0),
                new Case("pic base", 0xF_E004_0000L, 0x22),
                new Case("pic last word", 0xF_E007_FFFCL, 0x22),
                new Case("just past the pic", 0xF_E008_0000L, 0),
                new Case("gpio end", 0xF_E00F_FFFFL, 0x33),
                new Case("below every window", 0, 0),
                new Case("far above every window", 0xF_FFFF_FFF0L, 0));
    }

    @ParameterizedTest @MethodSource("reads")
    void readsReachTheWindowHoldingTheAddressAndHolesReadZero(Case c) {
        assertEquals(c.expect, bus.read(c.pa, 4));
        assertTrue(bus.decodes(c.pa), "the whole space is decoded (QEMU's unassigned space does not fault)");
    }

    @Test
    void devicesSeeOffsetsRelativeToTheirBase() {
        bus.write(0xF_E000_4503L, 1, 0x83);
        bus.read(0xF_E004_00A0L, 4);
        assertEquals(List.of("w1@3=83"), uart.log);
        assertEquals(List.of("cpu0", "r4@a0"), pic.log);
    }

    @Test
    void writesToHolesAreDropped() {
        bus.write(0xF_E000_4508L, 4, 0xDEAD);
        bus.write(0, 8, -1);
        assertTrue(uart.log.isEmpty() && pic.log.isEmpty() && gpio.log.isEmpty());
    }

    @Test
    void perCpuViewsTellTheDeviceWhoIsAsking() {
        PhysicalBus cpu1 = bus.forCpu(1);
        assertEquals(0x22, cpu1.read(0xF_E004_0090L, 4));
        assertEquals(List.of("cpu1", "r4@90"), pic.log);
        assertSame(cpu1, bus.forCpu(1), "one view per CPU, made once");
        assertTrue(cpu1.decodes(0x1234));
    }

    record Overlap(String why, long base, long size, String other) {
        @Override public String toString() { return why; }
    }

    static Stream<Overlap> overlaps() {
        return Stream.of(
                new Overlap("same base", 0xF_E000_4500L, 8, "uart0"),
                new Overlap("tail over the next head", 0xF_E000_4400L, 0x101, "uart0"),
                new Overlap("head inside", 0xF_E000_4507L, 0x10, "uart0"),
                new Overlap("covering a whole window", 0xF_E000_0000L, 0x100000, "uart0"),
                new Overlap("inside a bigger window", 0xF_E004_1600L, 0x200, "pic"));
    }

    @ParameterizedTest @MethodSource("overlaps")
    void overlappingWindowsAreRefusedNamingBothDevicesAndRanges(Overlap o) {
        var e = assertThrows(MmioBus.OverlapException.class, () -> bus.map("new", o.base, o.size, new Probe(0)));
        assertTrue(e.getMessage().contains("new [0x" + Long.toHexString(o.base)), e.getMessage());
        assertTrue(e.getMessage().contains(o.other + " [0x"), e.getMessage());
        assertNotEquals("new", bus.windowAt(o.base), "the refused window was not mapped");
        assertNotEquals("new", bus.windowAt(o.base + o.size - 1), "the refused window was not mapped");
    }

    @Test
    void adjacentWindowsAreFine() {
        Probe before = new Probe(0x44), after = new Probe(0x55);
        bus.map("before", 0xF_E000_4400L, 0x100, before);
        bus.map("after", 0xF_E000_4508L, 8, after);
        assertEquals(0x44, bus.read(0xF_E000_44FFL, 1));
        assertEquals(0x11, bus.read(0xF_E000_4500L, 1));
        assertEquals(0x55, bus.read(0xF_E000_4508L, 1));
        assertEquals("after", bus.windowAt(0xF_E000_450FL));
        assertNull(bus.windowAt(0xF_E000_4510L));
    }

    @Test
    void badRangesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> bus.map("empty", 0x1000, 0, uart));
        assertThrows(IllegalArgumentException.class, () -> bus.map("wraps", Long.MAX_VALUE - 4, 16, uart));
        assertThrows(IllegalArgumentException.class, () -> bus.forCpu(-1));
    }

    @Test
    void resetReachesEveryDevice() {
        bus.reset();
        assertEquals(1, uart.resets);
        assertEquals(1, pic.resets);
        assertEquals(1, gpio.resets);
    }
}
