package epaprlab.machine.boot;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class BootLayoutTest {
    static final Path IMAGE = Path.of("guest.elf");

    static ElfImage image(long addr, long memsz) throws BootException {
        ElfBuilder b = ElfBuilder.simple(false, addr, 0x10);
        b.phdrs.set(0, ElfBuilder.Phdr.load(b.payloadOffset(), addr, 0x10, memsz));
        return ElfImage.parse(IMAGE, b.bytes());
    }

    record Case(String name, long addr, long memsz, long ram, int dtbSize, long expectedDtb) {}

    @TestFactory Stream<DynamicTest> blobGoesOnTheFirstPageBoundaryAfterTheImage() {
        return Stream.of(
                new Case("image ends mid-page", 0x10000, 0x1234, 1 << 20, 0x600, 0x12000),
                new Case("image ends on a page boundary", 0x10000, 0x2000, 1 << 20, 0x600, 0x12000),
                new Case("image ends one byte into a page", 0x10000, 0x2001, 1 << 20, 0x600, 0x13000),
                new Case("blob fills RAM exactly", 0x0, 0xF000, 0x10000, 0x1000, 0xF000)
        ).map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            BootLayout l = BootLayout.place(image(c.addr(), c.memsz()), c.ram(), c.dtbSize());
            assertEquals(c.expectedDtb(), l.dtbAddress());
            assertEquals(0, l.dtbAddress() % 8, "r3 must be 8-byte aligned");
            assertEquals(c.dtbSize(), l.dtbSize());
            assertEquals(c.ram(), l.imaSize(), "r7: the IMA maps all of RAM");
            assertEquals(c.addr(), l.entry());
            assertEquals(c.addr() + c.memsz(), l.imageEnd());
            assertTrue(l.dtbEnd() <= c.ram());
        }));
    }

    @Test void blobOneByteTooBigForRam() throws Exception {
        var e = assertThrows(BootException.NoRoomForDeviceTree.class, () -> BootLayout.place(image(0, 0xF000), 0x10000, 0x1001));
        assertTrue(e.getMessage().contains("0x1001 bytes at 0xf000"), e.getMessage());
    }

    @Test void imageOutsideRamIsReportedBeforeTheBlob() {
        var e = assertThrows(BootException.SegmentOutsideRam.class, () -> BootLayout.place(image(0x10000, 0x100), 0x8000, 64));
        assertTrue(e.getMessage().startsWith("guest.elf: segment 0"), e.getMessage());
    }

    @Test void explicitPlacementBelowTheImage() throws Exception {
        BootLayout l = BootLayout.placeAt(image(0x10000, 0x100), 1 << 20, 0x800, 0xF800);   // touches the image, no overlap
        assertEquals(0xF800, l.dtbAddress());
        assertEquals(0x10000, l.dtbEnd());
    }

    @Test void explicitPlacementMustBeAlignedAndInsideRam() {
        assertThrows(IllegalArgumentException.class, () -> BootLayout.placeAt(image(0x10000, 0x100), 1 << 20, 0x800, 0x4));
        assertThrows(BootException.NoRoomForDeviceTree.class, () -> BootLayout.placeAt(image(0x10000, 0x100), 1 << 20, 0x800, (1 << 20) - 0x400));
    }

    @Test void sizesAreChecked() {
        for (List<Long> bad : List.of(List.of(0L, 64L), List.of(1L << 20, 39L))) {
            assertThrows(IllegalArgumentException.class, () -> BootLayout.place(image(0, 0x100), bad.get(0), bad.get(1).intValue()));
        }
    }
}
