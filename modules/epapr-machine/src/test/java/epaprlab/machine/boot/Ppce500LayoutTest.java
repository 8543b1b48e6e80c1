package epaprlab.machine.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.machine.boot.Ppce500Layout.ImageFile;
import epaprlab.machine.boot.Ppce500Layout.Span;
import epaprlab.ppc.cpu.CpuModel;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** QEMU's ppce500 placement rules (the addresses below were measured on QEMU 7.2, spec section 4). */
@Timeout(30)
class Ppce500LayoutTest {
    private static final Path UBOOT = Path.of("/usr/lib/u-boot/qemu-ppce500/uboot.elf");
    private static final Path HELLO32 = Path.of("../../sample-vms/images/hello-e500mc.elf");
    private static final Path HELLO64 = Path.of("../../sample-vms/images/hello-e5500.elf");
    private static final long MIB = 1L << 20;

    private static Optional<ImageFile> file(Path p) throws Exception {
        return Optional.of(new ImageFile(p, Files.readAllBytes(p)));
    }

    private static Optional<ImageFile> bytes(String name, int size) {
        return Optional.of(new ImageFile(Path.of(name), new byte[size]));
    }

    @Test void uBootAsBios() throws Exception {
        Ppce500Layout l = Ppce500Layout.place(CpuModel.E500MC, 256 * MIB, file(UBOOT), Optional.empty(), Optional.empty());
        assertEquals(0xF00000, l.entry());
        assertEquals(0x2700000, l.dtbAddress());
        assertEquals(16, l.initialMapTsize());          // MAS1 0x80000800 as QEMU's info tlb shows
        assertEquals(64 * MIB, l.initialMapBytes());
        assertTrue(l.bootKernel().isEmpty() && l.initrd().isEmpty());
    }

    @Test void kernelAsPayloadWithInitrd() throws Exception {
        Ppce500Layout l = Ppce500Layout.place(CpuModel.E500MC, 256 * MIB, Optional.empty(), file(HELLO32), bytes("rd", 7));
        assertEquals(0x1800000, l.dtbAddress());
        assertEquals(Optional.of(new Span(0x4000000, 7)), l.initrdSpan());
        assertEquals(Optional.of(new Span(0x10000, 0x18c4a)), l.bootKernel());   // lowest p_paddr, sum of p_memsz
        assertEquals(64 * MIB, l.initialMapBytes());
    }

    @Test void firmwareWithARawKernelAboveIt() throws Exception {
        Ppce500Layout l = Ppce500Layout.place(CpuModel.E500MC, 256 * MIB, file(UBOOT), bytes("uImage", 1000), bytes("rd", 5));
        assertEquals(Optional.of(new Span(0x2000000, 1000)), l.bootKernel());
        assertEquals(0x4000000, l.initrd().orElseThrow().address());    // align_down(32 MiB + 1000 + 32 MiB, 16 MiB)
        assertEquals(0x2700000, l.dtbAddress());
    }

    @Test void theInitialMappingCoversTheTreeWithAnEvenTsize() {
        assertEquals(16, Ppce500Layout.tsizeCovering(0x2800000));   // 40 MiB -> 64 MiB
        assertEquals(14, Ppce500Layout.tsizeCovering(0x0800000));   // 8 MiB -> 16 MiB (strictly greater)
        assertEquals(18, Ppce500Layout.tsizeCovering(0x4100000));   // just above 64 MiB -> 256 MiB
    }

    @Test void a64BitImageIsRefusedOnE500mcButRunsOnE5500() throws Exception {
        var e = assertThrows(BootException.WrongWidth.class,
                () -> Ppce500Layout.place(CpuModel.E500MC, 256 * MIB, Optional.empty(), file(HELLO64), Optional.empty()));
        assertTrue(e.getMessage().startsWith(HELLO64.toString()), e.getMessage());
        Ppce500Layout.place(CpuModel.E5500, 256 * MIB, Optional.empty(), file(HELLO64), Optional.empty());
    }

    @Test void noRoomForTheTreeSlot() throws Exception {
        var e = assertThrows(BootException.DoesNotFit.class,
                () -> Ppce500Layout.place(CpuModel.E500MC, 32 * MIB, file(UBOOT), Optional.empty(), Optional.empty()));
        assertTrue(e.getMessage().contains("device tree"), e.getMessage());
    }

    @Test void anInitrdLargerThanTheRestOfRam() throws Exception {
        var e = assertThrows(BootException.DoesNotFit.class, () -> Ppce500Layout.place(CpuModel.E500MC, 128 * MIB,
                Optional.empty(), file(HELLO32), bytes("big-initrd.cpio", (int) (65 * MIB))));
        assertTrue(e.getMessage().startsWith("big-initrd.cpio: initrd (0x4100000 bytes at 0x4000000)"), e.getMessage());
    }

    @Test void aRawKernelThatRunsIntoTheTree() throws Exception {
        var e = assertThrows(BootException.ImagesOverlap.class, () -> Ppce500Layout.place(CpuModel.E500MC, 256 * MIB,
                file(UBOOT), bytes("vmlinux.bin", (int) (8 * MIB)), Optional.empty()));
        assertTrue(e.getMessage().contains("vmlinux.bin") && e.getMessage().contains("device tree"), e.getMessage());
    }

    @Test void truncatedAndForeignFilesNameTheFile() throws Exception {
        byte[] uboot = Files.readAllBytes(UBOOT);
        var cut = assertThrows(BootException.Truncated.class, () -> Ppce500Layout.place(CpuModel.E500MC, 256 * MIB,
                Optional.of(new ImageFile(Path.of("cut.elf"), Arrays.copyOf(uboot, 0x20000))), Optional.empty(), Optional.empty()));
        assertTrue(cut.getMessage().startsWith("cut.elf: truncated"), cut.getMessage());
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
        var foreign = assertThrows(BootException.NotElf.class, () -> Ppce500Layout.place(CpuModel.E500MC, 256 * MIB,
                Optional.of(new ImageFile(Path.of("logo.png"), png)), Optional.empty(), Optional.empty()));
        assertTrue(foreign.getMessage().startsWith("logo.png: not an ELF file"), foreign.getMessage());
    }

    @Test void gzipImagesAreInflatedAndBrokenOnesNamed() throws Exception {
        byte[] uboot = Files.readAllBytes(UBOOT);
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(z)) { gz.write(uboot); }
        byte[] compressed = z.toByteArray();
        assertTrue(GzipImage.isGzip(compressed));
        assertArrayEquals(uboot, GzipImage.inflateIfGzip(Path.of("u.gz"), compressed, 1 << 30));
        assertFalse(GzipImage.isGzip(uboot));
        assertArrayEquals(uboot, GzipImage.inflateIfGzip(UBOOT, uboot, 1 << 30));        // not gzip: as is
        var cut = assertThrows(BootException.BadCompression.class,
                () -> GzipImage.inflateIfGzip(Path.of("u.gz"), Arrays.copyOf(compressed, compressed.length / 2), 1 << 30));
        assertTrue(cut.getMessage().startsWith("u.gz: gzip-compressed image cannot be decompressed"), cut.getMessage());
        assertThrows(BootException.BadCompression.class, () -> GzipImage.inflateIfGzip(Path.of("u.gz"), compressed, 1000));
    }
}
