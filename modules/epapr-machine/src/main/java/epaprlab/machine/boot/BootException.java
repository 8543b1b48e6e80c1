package epaprlab.machine.boot;

import java.nio.file.Path;

/**
 * A guest image or boot placement the machine cannot use. Every case names the image file and
 * the offending item, so a lab report can say which guest's file is wrong and where.
 */
public sealed abstract class BootException extends Exception {
    private final Path image;

    private BootException(Path image, String message) {
        super(image + ": " + message);
        this.image = image;
    }

    /** The image file (as given to {@link ElfImage#parse}). */
    public Path image() { return image; }

    /** The first four bytes are not {@code 0x7f 'E' 'L' 'F'}. */
    public static final class NotElf extends BootException {
        public NotElf(Path image, String found) {
            super(image, "not an ELF file: magic is " + found + ", expected 7f 45 4c 46 (\\x7fELF)");
        }
    }

    /** e_ident[EI_CLASS] is neither ELFCLASS32 nor ELFCLASS64. */
    public static final class UnsupportedClass extends BootException {
        public UnsupportedClass(Path image, int found) {
            super(image, "ELF class (e_ident[EI_CLASS]) is %d; accepted: 1 (ELFCLASS32) or 2 (ELFCLASS64)".formatted(found));
        }
    }

    /** e_ident[EI_DATA] is not big-endian. */
    public static final class UnsupportedByteOrder extends BootException {
        public UnsupportedByteOrder(Path image, int found) {
            super(image, "ELF data encoding (e_ident[EI_DATA]) is %d (%s); accepted: 2 (ELFDATA2MSB, big-endian)"
                    .formatted(found, found == 1 ? "ELFDATA2LSB, little-endian" : "unknown"));
        }
    }

    /** e_machine is not the PowerPC machine matching the ELF class. */
    public static final class UnsupportedMachine extends BootException {
        public UnsupportedMachine(Path image, boolean is64, int found) {
            super(image, "ELF machine (e_machine) is %d in an %s file; accepted: %s"
                    .formatted(found, is64 ? "ELFCLASS64" : "ELFCLASS32",
                            is64 ? "21 (EM_PPC64)" : "20 (EM_PPC)"));
        }
    }

    /** e_type is not ET_EXEC or ET_DYN. */
    public static final class UnsupportedType extends BootException {
        public UnsupportedType(Path image, int found) {
            super(image, "ELF type (e_type) is %d; accepted: 2 (ET_EXEC) or 3 (ET_DYN)".formatted(found));
        }
    }

    /** A header, program header or segment's file bytes run past the end of the file. */
    public static final class Truncated extends BootException {
        public Truncated(Path image, String item, long offset, long length, long fileSize) {
            super(image, "truncated: %s at file offset 0x%x, 0x%x bytes, runs past the end of the file (0x%x bytes)"
                    .formatted(item, offset, length, fileSize));
        }
    }

    /** A header field that makes no sense (too small e_phentsize, p_filesz > p_memsz, ...). */
    public static final class Malformed extends BootException {
        public Malformed(Path image, String item, String problem) {
            super(image, "malformed " + item + ": " + problem);
        }
    }

    /** A PT_LOAD segment does not fit in guest RAM. */
    public static final class SegmentOutsideRam extends BootException {
        public SegmentOutsideRam(Path image, int index, long paddr, long memsz, long ramBytes) {
            super(image, "segment %d (p_paddr 0x%x, p_memsz 0x%x) lies outside guest RAM (0x%x bytes)"
                    .formatted(index, paddr, memsz, ramBytes));
        }
    }

    /** No PT_LOAD segment with a non-zero p_memsz. */
    public static final class NoLoadableSegment extends BootException {
        public NoLoadableSegment(Path image, int programHeaders) {
            super(image, "no loadable segment: none of the %d program headers is a PT_LOAD with p_memsz > 0"
                    .formatted(programHeaders));
        }
    }

    /** e_entry lies in no PT_LOAD segment's virtual range. */
    public static final class EntryOutsideSegments extends BootException {
        public EntryOutsideSegments(Path image, long entry) {
            super(image, "entry point e_entry 0x%x lies in no PT_LOAD segment (by p_vaddr .. p_vaddr+p_memsz)".formatted(entry));
        }
    }

    /** Two PT_LOAD segments share physical memory. */
    public static final class OverlappingSegments extends BootException {
        public OverlappingSegments(Path image, int first, long firstPaddr, long firstMemsz,
                                   int second, long secondPaddr, long secondMemsz) {
            super(image, "segments %d (p_paddr 0x%x, p_memsz 0x%x) and %d (p_paddr 0x%x, p_memsz 0x%x) overlap in physical memory"
                    .formatted(first, firstPaddr, firstMemsz, second, secondPaddr, secondMemsz));
        }
    }

    /** A device tree placed explicitly would overwrite part of the image. */
    public static final class DeviceTreeOverlapsImage extends BootException {
        public DeviceTreeOverlapsImage(Path image, long dtbAddress, int dtbSize, int segment, long paddr, long memsz) {
            super(image, "device tree blob at 0x%x (0x%x bytes) overlaps segment %d (p_paddr 0x%x, p_memsz 0x%x)"
                    .formatted(dtbAddress, dtbSize, segment, paddr, memsz));
        }
    }

    /** The device tree does not fit in RAM where it must go. */
    public static final class NoRoomForDeviceTree extends BootException {
        public NoRoomForDeviceTree(Path image, long dtbAddress, int dtbSize, long imageEnd, long ramBytes) {
            super(image, "no room for the device tree blob: 0x%x bytes at 0x%x (image ends at 0x%x) do not fit in guest RAM (0x%x bytes)"
                    .formatted(dtbSize, dtbAddress, imageEnd, ramBytes));
        }
    }
    /** A gzip-compressed image (magic 1f 8b) whose stream is corrupt or cut short. */
    public static final class BadCompression extends BootException {
        public BadCompression(Path image, String problem) {
            super(image, "gzip-compressed image cannot be decompressed: " + problem);
        }
    }

    /** A 64-bit ELF given to a 32-bit core (e500mc). */
    public static final class WrongWidth extends BootException {
        public WrongWidth(Path image, String cpu) {
            super(image, "an ELFCLASS64 image cannot run on the 32-bit " + cpu + " core; use an ELFCLASS32 image or cpu = e5500");
        }
    }

    /** An image (or the device tree) that does not fit in guest RAM where the board must put it. */
    public static final class DoesNotFit extends BootException {
        public DoesNotFit(Path image, String what, long address, long size, long ramBytes) {
            super(image, "%s (0x%x bytes at 0x%x) does not fit in guest RAM (0x%x bytes)"
                    .formatted(what, size, address, ramBytes));
        }
    }

    /** Two images (or an image and the device tree) would share guest memory. */
    public static final class ImagesOverlap extends BootException {
        public ImagesOverlap(Path image, String what, long address, long size, String other, long otherAddress, long otherSize) {
            super(image, "%s at 0x%x (0x%x bytes) overlaps %s at 0x%x (0x%x bytes)"
                    .formatted(what, address, size, other, otherAddress, otherSize));
        }
    }
}
