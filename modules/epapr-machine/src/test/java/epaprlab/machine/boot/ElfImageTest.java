package epaprlab.machine.boot;

import epaprlab.machine.boot.CrossTools.Target;
import epaprlab.machine.boot.ElfBuilder.Phdr;
import epaprlab.ppc.mem.GuestMemory;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class ElfImageTest {
    @TempDir Path tmp;

    static final Path IMAGE = Path.of("lab", "guest.elf");

    /** li r3,0x1234 (0x38601234); sc 1 (0x44000022); b _start. Data word 0xcafef00d, 256 bytes of bss. */
    static final String GUEST = """
                .section .text
                .long 0x60000000            # nop: _start is not the first word of .text
                .long 0x60000000
                .globl _start
            _start:
                li 3, 0x1234
                sc 1
                b _start
                .section .data
                .globl value
            value: .long 0xcafef00d
                .section .bss
            buf: .space 256
            """;

    static final int LI_R3 = 0x38601234, SC_1 = 0x44000022;

    /** VMA 0xC0001000.. linked to load at 0x3000 (text) and 0x5000 (data): LMA != VMA. */
    static final String HIGH_VMA_SCRIPT = """
            ENTRY(_start)
            SECTIONS {
              . = 0xC0001000;
              .text : AT(0x3000) { *(.text*) }
              . = ALIGN(0x1000);
              .data : AT(0x5000) { *(.data*) }
              .bss : { *(.bss*) }
              /DISCARD/ : { *(.note*) *(.comment) }
            }
            """;

    static GuestMemory filledRam(int size) {
        GuestMemory ram = new GuestMemory(size);
        byte[] fill = new byte[size];
        Arrays.fill(fill, (byte) 0xAA);
        ram.write(0, fill, 0, size);
        return ram;
    }

    static LoadSegment writable(ElfImage image) {
        return image.segments().stream().filter(s -> (s.flags() & LoadSegment.PF_W) != 0).findFirst().orElseThrow();
    }

    record Built(String name, Target target, boolean is64, int machine) {}

    static final List<Built> TARGETS = List.of(
            new Built("ELF32 EM_PPC", Target.PPC32, false, 20),
            new Built("ELF64 EM_PPC64", Target.PPC64, true, 21));

    @TestFactory Stream<DynamicTest> linkedAtTtext0x10000() {
        return TARGETS.stream().map(t -> DynamicTest.dynamicTest(t.name(), () -> {
            byte[] elf = CrossTools.build(t.target(), tmp, GUEST, "-Wl,-Ttext=0x10000");
            ElfImage image = ElfImage.parse(IMAGE, elf);
            assertEquals(t.is64(), image.is64());
            assertEquals(t.machine(), image.machine());
            assertEquals(ElfImage.ET_EXEC, image.type());
            assertEquals(0x10008, image.entryVirtual());
            assertEquals(0x10008, image.entryPhysical());
            LoadSegment data = writable(image);
            assertEquals(4, data.filesz());
            assertTrue(data.memsz() >= 4 + 256, "bss follows data");
            assertEquals(image.segments().stream().mapToLong(LoadSegment::physicalEnd).max().orElseThrow(), image.highestPhysicalEnd());
            assertEquals(data.physicalEnd(), image.highestPhysicalEnd());

            GuestMemory ram = filledRam(1 << 20);
            image.loadInto(ram);
            assertEquals(LI_R3, ram.load32(0x10008));
            assertEquals(SC_1, ram.load32(0x1000c));
            assertEquals(0xcafef00d, ram.load32(data.paddr()));
            for (long pa = data.paddr() + data.filesz(); pa < data.physicalEnd(); pa++) assertEquals(0, ram.load8(pa), "bss byte 0x" + Long.toHexString(pa));
            assertEquals(0xAA, ram.load8(data.physicalEnd()), "memory past the image is not touched");
        }));
    }

    @TestFactory Stream<DynamicTest> entryUsesTheLoadAddressWhenLmaDiffersFromVma() {
        return TARGETS.stream().map(t -> DynamicTest.dynamicTest(t.name(), () -> {
            Path script = Files.writeString(tmp.resolve("high.ld"), HIGH_VMA_SCRIPT);
            byte[] elf = CrossTools.build(t.target(), tmp, GUEST, "-Wl,-T," + script);
            ElfImage image = ElfImage.parse(IMAGE, elf);
            assertEquals(0xC000_1008L, image.entryVirtual());
            assertEquals(0x3008, image.entryPhysical(), "p_paddr of the text segment + (e_entry - its p_vaddr)");
            LoadSegment data = writable(image);
            assertEquals(0x5000, data.paddr());
            assertEquals(0xC000_2000L, data.vaddr());
            assertTrue(image.lowestPhysical() <= 0x3000);
            assertEquals(0x5000 + data.memsz(), image.highestPhysicalEnd());

            GuestMemory ram = filledRam(64 << 10);
            image.loadInto(ram);
            assertEquals(LI_R3, ram.load32(image.entryPhysical()));
            assertEquals(0xcafef00d, ram.load32(0x5000));
            assertEquals(0, ram.load8(0x5004));
        }));
    }

    @Test void etDynIsLoadedAtItsPhysicalAddressesLikeEtExec() throws Exception {
        byte[] elf = CrossTools.build(Target.PPC32, tmp, GUEST, "-Wl,-Ttext=0x10000");
        ByteBuffer.wrap(elf).putShort(16, (short) ElfImage.ET_DYN);
        ElfImage image = ElfImage.parse(IMAGE, elf);
        assertEquals(ElfImage.ET_DYN, image.type());
        assertEquals(0x10008, image.entryPhysical());
        GuestMemory ram = filledRam(1 << 20);
        image.loadInto(ram);
        assertEquals(LI_R3, ram.load32(0x10008));
    }

    @Test void reloadingRestoresThePristineImage() throws Exception {
        byte[] elf = CrossTools.build(Target.PPC32, tmp, GUEST, "-Wl,-Ttext=0x10000");
        ElfImage image = ElfImage.parse(IMAGE, elf);
        Arrays.fill(elf, (byte) 0);                             // the image keeps its own copy
        GuestMemory ram = filledRam(1 << 20);
        image.loadInto(ram);
        LoadSegment data = writable(image);
        ram.store32(0x10008, 0);                                // guest scribbles over code, data and bss
        ram.store32(data.paddr(), 0x11111111);
        ram.store8(data.paddr() + 8, 0x5A);
        image.loadInto(ram);
        assertEquals(LI_R3, ram.load32(0x10008));
        assertEquals(0xcafef00d, ram.load32(data.paddr()));
        assertEquals(0, ram.load8(data.paddr() + 8));
    }

    @Test void segmentsAreImmutable() throws Exception {
        ElfImage image = ElfImage.parse(IMAGE, ElfBuilder.simple(false, 0x1000, 16).bytes());
        LoadSegment s = image.segments().getFirst();
        byte first = s.data()[0];
        s.data()[0] = (byte) (first + 1);
        assertEquals(first, s.data()[0]);
        assertThrows(UnsupportedOperationException.class, () -> image.segments().clear());
    }

    @Test void loadChecksEverySegmentBeforeWritingAny() throws Exception {
        ElfBuilder b = ElfBuilder.elf32();
        b.payloadSize = 0x20;
        int off = b.headerSize() + 2 * b.phentsize;
        b.phdr(Phdr.load(off, 0x1000, 0x10, 0x10)).phdr(Phdr.load(off + 0x10, 0x2_0000, 0x10, 0x10)).entry(0x1000);
        ElfImage image = ElfImage.parse(IMAGE, b.bytes());
        GuestMemory ram = filledRam(64 << 10);
        var e = assertThrows(BootException.SegmentOutsideRam.class, () -> image.loadInto(ram));
        assertTrue(e.getMessage().contains("segment 1 (p_paddr 0x20000, p_memsz 0x10)"), e.getMessage());
        byte[] after = new byte[(int) ram.size()];
        ram.read(0, after, 0, after.length);
        for (byte v : after) assertEquals((byte) 0xAA, v, "RAM untouched after a refused load");
    }

    @Test void zeroSizedLoadSegmentsAreDropped() throws Exception {
        ElfBuilder b = ElfBuilder.elf32();
        b.payloadSize = 0x10;
        int off = b.headerSize() + 2 * b.phentsize;
        b.phdr(Phdr.load(off, 0x9_0000, 0, 0)).phdr(Phdr.load(off, 0x1000, 0x10, 0x10)).entry(0x1000);
        ElfImage image = ElfImage.parse(IMAGE, b.bytes());
        assertEquals(1, image.segments().size());
        assertEquals(1, image.segments().getFirst().index(), "index is the program header's position");
    }

    interface Attempt { void run() throws Exception; }

    record Bad(String name, Class<? extends BootException> type, Attempt attempt, String... parts) {}

    static ElfImage parse(byte[] bytes) throws BootException { return ElfImage.parse(IMAGE, bytes); }

    static byte[] with(byte[] bytes, int offset, int value) { bytes[offset] = (byte) value; return bytes; }

    /** Every BootException subclass, from a hand-made file; the message names the file and the bad item. */
    @TestFactory Stream<DynamicTest> malformedImagesAreRefusedWithContext() {
        return malformedCases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            BootException e = assertThrows(c.type(), c.attempt()::run);
            assertEquals(IMAGE, e.image());
            assertTrue(e.getMessage().startsWith(IMAGE + ": "), e.getMessage());
            for (String part : c.parts()) assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
        }));
    }

    static List<Bad> malformedCases() {
        ElfBuilder truncPh = ElfBuilder.simple(false, 0x1000, 0x10);
        ElfBuilder smallPhent = ElfBuilder.simple(false, 0x1000, 0x10);
        smallPhent.phentsize = 16;
        ElfBuilder wrongMachine32 = ElfBuilder.simple(false, 0x1000, 0x10);
        wrongMachine32.machine = 21;
        ElfBuilder x86 = ElfBuilder.simple(true, 0x1000, 0x10);
        x86.machine = 62;
        ElfBuilder rel = ElfBuilder.simple(false, 0x1000, 0x10);
        rel.type = 1;
        ElfBuilder pastEnd = ElfBuilder.elf64();
        pastEnd.phdr(Phdr.load(0x80, 0x1000, 0x1000, 0x1000)).entry(0x1000);
        ElfBuilder fileOverMem = ElfBuilder.elf32();
        fileOverMem.phdr(Phdr.load(0x54, 0x1000, 0x20, 0x10)).entry(0x1000);
        ElfBuilder noLoad = ElfBuilder.elf32();
        noLoad.phdr(new Phdr(4, 0x54, 0, 0, 0x10, 0x10, 4)).phdr(new Phdr(0x6474e551, 0, 0, 0, 0, 0, 6));
        ElfBuilder badEntry = ElfBuilder.simple(true, 0x1000, 0x10).entry(0x1010);  // one past the end
        ElfBuilder overlap = ElfBuilder.elf32();
        int off = overlap.headerSize() + 2 * overlap.phentsize;
        overlap.phdr(Phdr.load(off, 0x2000, 0x10, 0x100)).phdr(Phdr.load(off, 0x1F80, 0x10, 0x81)).entry(0x2000);
        ElfBuilder farSegment = ElfBuilder.simple(false, 0x10_0000, 0x10);
        ElfBuilder big = ElfBuilder.simple(false, 0x1000, 0x10);
        big.phdrs.set(0, Phdr.load(big.payloadOffset(), 0x1000, 0x10, 0xF000));  // ends at exactly 64 KiB

        return List.of(
                new Bad("not an ELF", BootException.NotElf.class, () -> parse("MZ\u0090\0 some PE file".getBytes()),
                        "not an ELF file", "magic is 4d 5a"),
                new Bad("empty file", BootException.NotElf.class, () -> parse(new byte[0]), "not an ELF file", "empty"),
                new Bad("ELF class 3", BootException.UnsupportedClass.class,
                        () -> parse(with(ElfBuilder.simple(false, 0x1000, 16).bytes(), 4, 3)), "EI_CLASS", "is 3", "ELFCLASS32", "ELFCLASS64"),
                new Bad("little-endian", BootException.UnsupportedByteOrder.class,
                        () -> parse(with(ElfBuilder.simple(false, 0x1000, 16).bytes(), 5, 1)), "EI_DATA", "little-endian", "ELFDATA2MSB"),
                new Bad("EM_PPC64 in an ELF32 file", BootException.UnsupportedMachine.class, () -> parse(wrongMachine32.bytes()),
                        "e_machine", "is 21", "ELFCLASS32", "accepted: 20 (EM_PPC)"),
                new Bad("x86-64 machine", BootException.UnsupportedMachine.class, () -> parse(x86.bytes()),
                        "is 62", "ELFCLASS64", "accepted: 21 (EM_PPC64)"),
                new Bad("relocatable object", BootException.UnsupportedType.class, () -> parse(rel.bytes()),
                        "e_type", "is 1", "ET_EXEC", "ET_DYN"),
                new Bad("truncated ELF32 header", BootException.Truncated.class,
                        () -> parse(Arrays.copyOf(ElfBuilder.simple(false, 0x1000, 16).bytes(), 30)), "ELF32 header", "0x34 bytes", "(0x1e bytes)"),
                new Bad("truncated ELF64 header", BootException.Truncated.class,
                        () -> parse(Arrays.copyOf(ElfBuilder.simple(true, 0x1000, 16).bytes(), 63)), "ELF64 header", "0x40 bytes"),
                new Bad("truncated program header table", BootException.Truncated.class,
                        () -> parse(Arrays.copyOf(truncPh.bytes(), 60)), "program header table", "offset 0x34", "0x20 bytes"),
                new Bad("segment data past the end", BootException.Truncated.class, () -> parse(pastEnd.bytes()),
                        "segment 0 data", "offset 0x80", "0x1000 bytes"),
                new Bad("e_phentsize too small", BootException.Malformed.class, () -> parse(smallPhent.bytes()),
                        "ELF header", "e_phentsize is 16"),
                new Bad("p_filesz above p_memsz", BootException.Malformed.class, () -> parse(fileOverMem.bytes()),
                        "segment 0", "p_filesz 0x20 exceeds p_memsz 0x10"),
                new Bad("no PT_LOAD", BootException.NoLoadableSegment.class, () -> parse(noLoad.bytes()),
                        "no loadable segment", "2 program headers"),
                new Bad("entry one past the segment", BootException.EntryOutsideSegments.class, () -> parse(badEntry.bytes()),
                        "e_entry 0x1010", "no PT_LOAD segment"),
                new Bad("overlapping segments", BootException.OverlappingSegments.class, () -> parse(overlap.bytes()),
                        "segments 0 (p_paddr 0x2000, p_memsz 0x100) and 1 (p_paddr 0x1f80, p_memsz 0x81) overlap"),
                new Bad("segment beyond RAM", BootException.SegmentOutsideRam.class,
                        () -> parse(farSegment.bytes()).loadInto(new GuestMemory(64 << 10)),
                        "segment 0", "p_paddr 0x100000", "p_memsz 0x10", "guest RAM (0x10000 bytes)"),
                new Bad("device tree over the image", BootException.DeviceTreeOverlapsImage.class,
                        () -> BootLayout.placeAt(parse(farSegment.bytes()), 2 << 20, 0x100, 0x10_0008L),
                        "device tree blob at 0x100008 (0x100 bytes)", "segment 0 (p_paddr 0x100000, p_memsz 0x10)"),
                new Bad("no room for the device tree", BootException.NoRoomForDeviceTree.class,
                        () -> BootLayout.place(parse(big.bytes()), 64 << 10, 0x100),
                        "no room for the device tree", "0x100 bytes at 0x10000", "image ends at 0x10000", "guest RAM (0x10000 bytes)"),
                // the ppce500 loader's cases (Ppce500LayoutTest has more)
                new Bad("corrupt gzip stream", BootException.BadCompression.class,
                        () -> GzipImage.inflateIfGzip(IMAGE, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3}, 1 << 20),
                        "gzip-compressed image cannot be decompressed"),
                new Bad("64-bit ELF on e500mc", BootException.WrongWidth.class,
                        () -> ppce500(ElfBuilder.simple(true, 0x1000, 16).bytes(), 256L << 20, Optional.empty()),
                        "ELFCLASS64", "32-bit e500mc"),
                new Bad("no room for the ppce500 tree slot", BootException.DoesNotFit.class,
                        () -> ppce500(ElfBuilder.simple(false, 0x1000, 16).bytes(), 16L << 20, Optional.empty()),
                        "device tree slot", "0x800000 bytes at 0x1800000", "guest RAM (0x1000000 bytes)"),
                new Bad("raw kernel over the tree", BootException.ImagesOverlap.class,
                        () -> ppce500(ElfBuilder.simple(false, 0xF00000, 16).bytes(), 256L << 20,
                                Optional.of(new Ppce500Layout.ImageFile(Path.of("k.bin"), new byte[9 << 20]))),
                        "the device tree at 0x2700000", "kernel of k.bin at 0x2000000"));
    }

    /** Places {@code payload} as a ppce500 bios, with an optional raw kernel after it. */
    private static void ppce500(byte[] payload, long ram, Optional<Ppce500Layout.ImageFile> kernel) throws BootException {
        Ppce500Layout.place(epaprlab.ppc.cpu.CpuModel.E500MC, ram, Optional.of(new Ppce500Layout.ImageFile(IMAGE, payload)),
                kernel, Optional.empty());
    }

    @Test void everyBootExceptionSubclassHasACase() {
        // a new subclass must add a case to the table above
        assertEquals(Set.of(BootException.class.getPermittedSubclasses()),
                malformedCases().stream().map(Bad::type).collect(Collectors.toSet()));
    }
}
