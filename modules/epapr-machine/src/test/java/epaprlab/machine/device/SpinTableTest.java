package epaprlab.machine.device;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SpinTableTest {
    record Released(int cpu, long addr, long r3) {}

    private final List<Released> released = new ArrayList<>();
    private final SpinTable table = new SpinTable(2, (cpu, addr, r3) -> released.add(new Released(cpu, addr, r3)));

    static int entry(int i) { return 0x20 * i; }

    static Stream<Integer> allEntries() { return IntStream.range(0, 32).boxed(); }

    @ParameterizedTest @MethodSource("allEntries")
    void everyEntryResetsToAddrOneR3AndPirIndex(int i) {
        int e = entry(i);
        assertEquals(0, table.read(e, 4), "addr_h");
        assertEquals(1, table.read(e + 4, 4), "addr_l");
        assertEquals(0, table.read(e + 8, 4), "r3_h");
        assertEquals(i, table.read(e + 0xC, 4), "r3_l");
        assertEquals(0, table.read(e + 0x10, 4), "resv");
        assertEquals(i, table.read(e + 0x14, 4), "pir");
        assertEquals(0, table.read(e + 0x18, 8), "reserved");
        assertEquals(1, table.read(e, 8), "a 64-bit load of addr");
    }

    @Test
    void linux32BitReleaseWritesPirThenAddrHighThenLow() {
        assertEquals(1, table.read(entry(1) + 4, 4), "Linux checks addr_l == 1 first");
        table.write(entry(1) + 0x14, 4, 7);                       // pir
        table.write(entry(1) + 0x08, 4, 0);
        table.write(entry(1) + 0x0C, 4, 0x12345678);              // r3
        assertEquals(List.of(), released, "addr still odd");
        table.write(entry(1), 4, 0);                              // addr_h: bit 0 of addr_l still set
        assertEquals(List.of(), released);
        table.write(entry(1) + 4, 4, 0x04012000);                 // addr_l
        assertEquals(List.of(new Released(1, 0x04012000L, 0x12345678L)), released);
        assertEquals(1, table.read(entry(1) + 0x14, 4), "pir overwritten with the CPU's own");
    }

    @Test
    void a64BitStoreReleasesOnItsLowWord() {
        table.write(entry(1), 8, 0x0000000F_00002000L);
        assertEquals(List.of(new Released(1, 0xF_0000_2000L, 1)), released);
    }

    @Test
    void everyWriteWhileAddrIsEvenReleasesAgain() {
        table.write(entry(1) + 4, 4, 0x1000);
        table.write(entry(1) + 0x1C, 1, 0xAA);                    // any byte of the entry
        assertEquals(2, released.size());
        assertEquals(0xAA, table.read(entry(1) + 0x1C, 1));
    }

    record Ignored(String why, int offset) {
        @Override public String toString() { return why; }
    }

    static Stream<Ignored> ignoredWrites() {
        return Stream.of(new Ignored("entry 0 belongs to the boot CPU", entry(0) + 4),
                new Ignored("entry 2 has no CPU on a 2-CPU board", entry(2) + 4),
                new Ignored("entry 31", entry(31) + 4),
                new Ignored("past the table", 0x404));
    }

    @ParameterizedTest @MethodSource("ignoredWrites")
    void writesWithoutASecondaryCpuAreDiscarded(Ignored c) {
        table.write(c.offset, 4, 0x2000);
        assertEquals(List.of(), released);
        if (c.offset < SpinTable.SIZE) assertEquals(1, table.read(c.offset, 4), "value not stored");
    }

    @Test
    void narrowAccessesAreBigEndian() {
        table.write(entry(1) + 0x0C, 2, 0xBEEF);
        assertEquals(0xBEEF0001L, table.read(entry(1) + 0x0C, 4));
        assertEquals(0xEF, table.read(entry(1) + 0x0D, 1));
        table.reset();
        assertEquals(1, table.read(entry(1) + 0x0C, 4));
    }

    @Test
    void cpuCountIsChecked() {
        assertThrows(IllegalArgumentException.class, () -> new SpinTable(0, (c, a, r) -> {}));
        assertThrows(IllegalArgumentException.class, () -> new SpinTable(33, (c, a, r) -> {}));
    }
}
