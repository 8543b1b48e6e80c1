package epaprlab.machine.fdt;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class FdtReaderTest {
    /** A small valid blob to damage: / { a = <1>; n@1 { b; }; } */
    static byte[] sample() {
        DeviceTreeNode.Builder rb = DeviceTreeNode.root().u32("a", 1);
        rb.child("n@1").empty("b");
        return FdtWriter.write(rb.build(), 0, List.of(), 0x1000);
    }

    static FdtHeader header(byte[] blob) {
        ByteBuffer b = ByteBuffer.wrap(blob);
        return new FdtHeader(b.getInt(0), b.getInt(4), b.getInt(8), b.getInt(12), b.getInt(16), b.getInt(20),
                b.getInt(24), b.getInt(28), b.getInt(32), b.getInt(36));
    }

    static UnaryOperator<byte[]> putInt(int offset, int value) {
        return blob -> { ByteBuffer.wrap(blob).putInt(offset, value); return blob; };
    }

    record Bad(String name, UnaryOperator<byte[]> damage, String messagePart) {}

    @TestFactory Stream<DynamicTest> damagedBlobsAreReportedWithOriginAndOffset() {
        FdtHeader h = header(sample());
        int firstProp = h.offDtStruct() + 8;                 // after BEGIN_NODE "" (4 + 4)
        List<Bad> cases = List.of(
                new Bad("shorter than a header", b -> Arrays.copyOf(b, 39), "the header alone is 40"),
                new Bad("bad magic", putInt(0, 0xFEEDD00D), "magic is 0xfeedd00d"),
                new Bad("version 16", putInt(0x14, 16), "version 16"),
                new Bad("incompatible last_comp_version", putInt(0x18, 18), "last compatible 18"),
                new Bad("totalsize past the end", b -> Arrays.copyOf(b, b.length - 1), "totalsize"),
                new Bad("strings block past the end", putInt(0x20, h.sizeDtStrings() + 100), "strings block"),
                new Bad("misaligned reservation block", putInt(0x10, 0x2c), "not 8-byte aligned"),
                new Bad("no terminating reservation", b -> { Arrays.fill(b, 0x28, b.length, (byte) 0x01); return b; },
                        "no terminating entry"),
                new Bad("not starting with BEGIN_NODE", putInt(h.offDtStruct(), 3), "must start with FDT_BEGIN_NODE"),
                new Bad("unknown token", putInt(firstProp, 7), "unexpected token 0x7"),
                new Bad("name offset outside strings", putInt(firstProp + 8, 0x1000), "name offset 0x1000 outside"),
                new Bad("value longer than the block", putInt(firstProp + 4, 0x1000), "runs past the structure block"),
                new Bad("struct size cuts FDT_END", putInt(0x24, h.sizeDtStruct() - 4), "ends in the middle of a token"),
                new Bad("struct size too long", putInt(0x24, h.sizeDtStruct() + 4), "size_dt_struct ends the block"));

        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            byte[] blob = c.damage().apply(sample());
            var e = assertThrows(MalformedFdtException.class, () -> FdtReader.read("guest.dtb", blob));
            assertTrue(e.getMessage().startsWith("guest.dtb: malformed device tree blob at offset 0x"), e.getMessage());
            assertTrue(e.getMessage().contains(c.messagePart()), e.getMessage());
        }));
    }

    @Test void propertyAfterChildIsRejected() {
        // hand-made struct: BEGIN "" ; BEGIN "c" ; END ; PROP a ; END ; FDT_END
        ByteBuffer s = ByteBuffer.allocate(40 + 16 + 9 * 4 + 4 + 2);
        int struct = 40 + 16;
        s.putInt(0, FdtHeader.MAGIC).putInt(4, s.capacity()).putInt(8, struct).putInt(12, struct + 36)
                .putInt(16, 40).putInt(20, 17).putInt(24, 16).putInt(28, 0).putInt(32, 2).putInt(36, 36);
        s.position(struct);
        s.putInt(1).putInt(0).putInt(1).put(new byte[] {'c', 0, 0, 0}).putInt(2)
                .putInt(3).putInt(0).putInt(0).putInt(2).putInt(9);
        s.put((byte) 'a').put((byte) 0);
        var e = assertThrows(MalformedFdtException.class, () -> FdtReader.read("x.dtb", s.array()));
        assertTrue(e.getMessage().contains("property after a child node"), e.getMessage());
    }

    @Test void nopTokensAreSkipped() throws Exception {
        byte[] blob = sample();
        FdtHeader h = header(blob);
        // the root's property becomes FDT_NOP + padding-free words: replace "PROP a" (3 words + 1 value) by 4 NOPs
        ByteBuffer b = ByteBuffer.wrap(blob);
        int prop = h.offDtStruct() + 8;
        for (int i = 0; i < 4; i++) b.putInt(prop + 4 * i, 4);
        DeviceTreeNode root = FdtReader.read(blob).root();
        assertFalse(root.hasProperty("a"));
        assertTrue(root.require("/n@1").hasProperty("b"));
    }

    @Test void readsHeaderAndReservations() throws Exception {
        Fdt fdt = FdtReader.read(sample());
        assertEquals(List.of(new MemoryReservation(0x1000, fdt.header().totalSize())), fdt.reservations());
        assertEquals(1, fdt.root().requireProperty("a").asU32());
    }
}
