package epaprlab.machine.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.machine.boot.ElfBuilder.Phdr;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ElfImage#read}: images are read by parts, never whole, so file size alone never costs
 * heap, and a segment that cannot fit RAM is refused before its bytes are read.
 */
@Timeout(60)
class ElfImageReadTest {
    @TempDir Path tmp;

    private static final long THREE_GIB = 3L << 30;

    /** {@code bytes} followed by holes up to {@code length} (sparse: no disk space used). */
    private Path sparse(String name, byte[] bytes, long length) throws IOException {
        Path file = tmp.resolve(name);
        Files.write(file, bytes);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
        }
        return file;
    }

    @Test
    void aSmallImageInsideAThreeGibFileLoadsAsIfTheFileWereSmall() throws Exception {
        byte[] elf = ElfBuilder.simple(false, 0x1000, 64).bytes();
        Path big = sparse("big.elf", elf, THREE_GIB);
        ElfImage read = ElfImage.read(big, 1 << 20);
        ElfImage parsed = ElfImage.parse(big, elf);
        assertEquals(parsed.segments(), read.segments());
        assertEquals(parsed.entryPhysical(), read.entryPhysical());
    }

    @Test
    void aSegmentLargerThanRamIsRefusedBeforeItsBytesAreRead() throws Exception {
        ElfBuilder b = ElfBuilder.elf32();
        b.payloadSize = 16;
        long huge = (5L << 29) - 4096;              // 2.5 GiB of file bytes, all inside the sparse file
        b.phdr(Phdr.load(b.headerSize() + b.phentsize, 0x1000, huge, huge)).entry(0x1000);
        Path big = sparse("huge-segment.elf", b.bytes(), THREE_GIB);
        BootException e = assertThrows(BootException.SegmentOutsideRam.class, () -> ElfImage.read(big, 1 << 20));
        assertTrue(e.getMessage().contains("segment 0 (p_paddr 0x1000, p_memsz 0x9ffff000) lies outside guest RAM (0x100000 bytes)"),
                e.getMessage());
    }

    @Test
    void aTruncatedSegmentInAFileReadByPartsIsNamed() throws Exception {
        ElfBuilder b = ElfBuilder.elf32();
        b.payloadSize = 16;
        b.phdr(Phdr.load(b.headerSize() + b.phentsize, 0x1000, 0x800, 0x800)).entry(0x1000);
        Path file = tmp.resolve("short.elf");
        Files.write(file, b.bytes());
        assertThrows(BootException.Truncated.class, () -> ElfImage.read(file, 1 << 20));
    }

    @Test
    void directoriesAndDevicesAreNamedAsWhatTheyAre() {
        IOException dir = assertThrows(IOException.class, () -> ElfImage.read(tmp, 1 << 20));
        assertEquals(tmp + " is a directory", dir.getMessage());
        IOException dev = assertThrows(IOException.class, () -> ElfImage.read(Path.of("/dev/zero"), 1 << 20));
        assertEquals("/dev/zero is not a regular file (a device, pipe or socket)", dev.getMessage());
    }

    @Test
    void theSampleImagesReadAsTheyParse() throws Exception {
        for (String name : new String[] {"hello-e500mc.elf", "hello-e5500.elf"}) {
            Path image = Path.of("../../sample-vms/images", name);
            ElfImage read = ElfImage.read(image, 1 << 20);
            ElfImage parsed = ElfImage.parse(image, Files.readAllBytes(image));
            assertEquals(parsed.segments(), read.segments(), name);
            assertEquals(parsed.is64(), read.is64(), name);
        }
    }

    /** readHeaders: the loader's shapes (segments, entry) without the bytes; such an image is never loaded. */
    @Test
    void headersOnlyGiveTheShapesAndCannotBeLoaded() throws Exception {
        Path hello = Path.of("../../sample-vms/images/hello-e500mc.elf");
        ElfImage full = ElfImage.read(hello, 1 << 20), headers = ElfImage.readHeaders(hello);
        assertEquals(full.entryPhysical(), headers.entryPhysical());
        assertEquals(full.highestPhysicalEnd(), headers.highestPhysicalEnd());
        assertEquals(full.segments().stream().map(s -> s.paddr() + "+" + s.memsz()).toList(),
                headers.segments().stream().map(s -> s.paddr() + "+" + s.memsz()).toList());
        assertTrue(headers.segments().stream().allMatch(s -> s.data().length == 0));
        var ram = new epaprlab.ppc.mem.GuestMemory(1 << 20);
        assertThrows(IllegalStateException.class, () -> headers.loadInto(ram));
    }
}
