package epaprlab.machine.device;

import static org.junit.jupiter.api.Assertions.*;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class E500PciHostTest {
    private final E500PciHost pci = new E500PciHost();

    static long cfg(int bus, int dev, int fn, int reg) { return 0x80000000L | bus << 16 | dev << 11 | fn << 8 | reg; }

    /** A 32-bit config read the way U-Boot's and Linux's drivers do it: lwz of the byte-swapped data. */
    private long configRead32(long address) {
        pci.write(0, 4, address);
        return Integer.reverseBytes((int) pci.read(4, 4)) & 0xFFFF_FFFFL;
    }

    private void configWrite32(long address, long v) {
        pci.write(0, 4, address);
        pci.write(4, 4, Integer.reverseBytes((int) v) & 0xFFFF_FFFFL);
    }

    record Header(String field, int reg, long value) {
        @Override public String toString() { return field; }
    }

    /** As `pci display.l 0.0.0 0 40` printed it under qemu-system-ppc 7.2 (BAR0 before assignment). */
    static Stream<Header> bridgeHeader() {
        return Stream.of(new Header("vendor/device", 0x00, 0x00301957L), new Header("status/command", 0x04, 0),
                new Header("class/revision", 0x08, 0x0b200000L), new Header("BIST/header/latency/cacheline", 0x0C, 0),
                new Header("BAR0", 0x10, 0), new Header("BAR1", 0x14, 0), new Header("BAR5", 0x24, 0),
                new Header("subsystem", 0x2C, 0x11001af4L), new Header("ROM", 0x30, 0), new Header("interrupt", 0x3C, 0),
                new Header("device-specific", 0x40, 0), new Header("last word", 0xFC, 0));
    }

    @ParameterizedTest @MethodSource("bridgeHeader")
    void hostBridgeHeaderIsQemus(Header h) {
        assertEquals(h.value, configRead32(cfg(0, 0, 0, h.reg)));
    }

    record Absent(String why, long address) {
        @Override public String toString() { return why; }
    }

    static Stream<Absent> absentDevices() {
        return Stream.of(new Absent("slot 1", cfg(0, 1, 0, 0)), new Absent("slot 31", cfg(0, 31, 0, 0)),
                new Absent("function 1 of the bridge", cfg(0, 0, 1, 0)), new Absent("bus 1", cfg(1, 0, 0, 0)),
                new Absent("enable bit clear", cfg(0, 0, 0, 0) & 0x7FFFFFFFL));
    }

    @ParameterizedTest @MethodSource("absentDevices")
    void absentDevicesReadAllOnesAndIgnoreWrites(Absent a) {
        assertEquals(0xFFFFFFFFL, configRead32(a.address));
        assertEquals(0xFFFF, pci.read(4, 2));
        assertEquals(0xFF, pci.read(7, 1));
        configWrite32(a.address | 0x10, 0x12345678);
        assertEquals(0, configRead32(cfg(0, 0, 0, 0x10)), "nothing reached the bridge");
    }

    @Test
    void bar0SizesAsOneMegabyteMemoryBar() {
        configWrite32(cfg(0, 0, 0, 0x10), 0xFFFFFFFFL);
        assertEquals(0xFFF00000L, configRead32(cfg(0, 0, 0, 0x10)));
        configWrite32(cfg(0, 0, 0, 0x10), 0xE0000000L);           // U-Boot's assignment
        assertEquals(0xE0000000L, configRead32(cfg(0, 0, 0, 0x10)));
        configWrite32(cfg(0, 0, 0, 0x14), 0xFFFFFFFFL);
        assertEquals(0, configRead32(cfg(0, 0, 0, 0x14)), "no BAR1");
    }

    /** The same writes U-Boot made under QEMU, with the values QEMU then read back. */
    @Test
    void writableBitsMatchQemu() {
        configWrite32(cfg(0, 0, 0, 0x04), 0xFFFFFFFFL);
        assertEquals(0x0507, configRead32(cfg(0, 0, 0, 0x04)));
        pci.write(0, 4, cfg(0, 0, 0, 0x04));
        pci.write(4, 1, 0x06);                                     // byte lane 0 = COMMAND low byte
        assertEquals(0x0506, configRead32(cfg(0, 0, 0, 0x04)));
        configWrite32(cfg(0, 0, 0, 0x0C), 0xFFFFFFFFL);
        assertEquals(0, configRead32(cfg(0, 0, 0, 0x0C)), "cache line and latency are read-only here");
        configWrite32(cfg(0, 0, 0, 0x3C), 0x05);
        assertEquals(0x05, configRead32(cfg(0, 0, 0, 0x3C)));
        configWrite32(cfg(0, 0, 0, 0x40), 0x12345678);
        assertEquals(0x12345678, configRead32(cfg(0, 0, 0, 0x40)));
        configWrite32(cfg(0, 0, 0, 0x00), 0xFFFFFFFFL);
        configWrite32(cfg(0, 0, 0, 0x08), 0xFFFFFFFFL);
        assertEquals(0x00301957L, configRead32(cfg(0, 0, 0, 0x00)));
        assertEquals(0x0b200000L, configRead32(cfg(0, 0, 0, 0x08)));
    }

    @Test
    void cfgDataIsLittleEndianWithTheByteOffsetAdded() {
        pci.write(0, 4, cfg(0, 0, 0, 0));
        assertEquals(0x5719_3000L, pci.read(4, 4), "lwz sees the bytes in config order");
        assertEquals(0x5719, pci.read(4, 2), "lhz of the vendor id");
        assertEquals(0x0030, Short.reverseBytes((short) pci.read(6, 2)) & 0xFFFF, "device id at byte offset 2");
        assertEquals(0x30, pci.read(6, 1));
    }

    @Test
    void cfgAddrStoresOnlyWordWrites() {
        pci.write(0, 4, 0x80001234L);
        pci.write(0, 2, 0xFFFF);
        pci.write(2, 1, 0xFF);
        assertEquals(0x80001234L, pci.read(0, 4));
    }

    record Atmu(String reg, int offset, long value) {
        @Override public String toString() { return reg; }
    }

    /** U-Boot's ATMU programming as traced under QEMU (spec 9). */
    static Stream<Atmu> ubootAtmu() {
        return Stream.of(new Atmu("POTAR1", 0xC20, 0x000E0000L), new Atmu("POTEAR1", 0xC24, 0), new Atmu("POWBAR1", 0xC28, 0x00C00000L),
                new Atmu("POWAR1", 0xC30, 0x8004401CL), new Atmu("POTAR2", 0xC40, 0), new Atmu("POWBAR2", 0xC48, 0x00FE1000L),
                new Atmu("POWAR2", 0xC50, 0x8008800FL), new Atmu("POWAR4", 0xC90, 0x8000000FL), new Atmu("PITAR1", 0xDE0, 0x1000),
                new Atmu("PIWBAR1", 0xDE8, 0x2000), new Atmu("PIWBEAR1", 0xDEC, 0x3), new Atmu("PIWAR1", 0xDF0, 0xA0F5501EL),
                new Atmu("PIWAR3", 0xDB0, 0x80000010L), new Atmu("GASKET_TIMR", 0xE20, 0x55));
    }

    @ParameterizedTest @MethodSource("ubootAtmu")
    void atmuRegistersAreStored(Atmu a) {
        pci.write(a.offset, 4, a.value);
        assertEquals(a.value, pci.read(a.offset, 4));
        pci.reset();
        assertEquals(0, pci.read(a.offset, 4));
    }

    record Hole(String why, int offset) {
        @Override public String toString() { return why; }
    }

    static Stream<Hole> holes() {
        return Stream.of(new Hole("window 0 is not decoded", 0xC00), new Hole("POWAR+4", 0xC34), new Hole("PIWBAR+4 (inbound has no +4)", 0xDE4),
                new Hole("between windows", 0xCA0), new Hole("INTACK", 0x008), new Hole("middle of the block", 0x800));
    }

    @ParameterizedTest @MethodSource("holes")
    void undecodedOffsetsReadZeroAndIgnoreWrites(Hole h) {
        pci.write(h.offset, 4, 0xFFFFFFFFL);
        assertEquals(0, pci.read(h.offset, 4));
    }
}
