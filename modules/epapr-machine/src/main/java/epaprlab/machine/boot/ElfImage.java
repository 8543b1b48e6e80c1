package epaprlab.machine.boot;

import epaprlab.ppc.mem.GuestMemory;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * A parsed big-endian PowerPC ELF client image (ELF32 EM_PPC or ELF64 EM_PPC64), reduced to
 * what booting needs: the PT_LOAD segments and the physical entry point (spec 4.1).
 *
 * <p>ET_EXEC and ET_DYN are both loaded at their p_paddr. ePAPR lets a relocatable image go
 * anywhere if the segments keep their spacing; loading it where it was linked is one such place
 * and spares a relocation step. e_entry is taken literally (a 64-bit ELFv1 image whose e_entry
 * points at a function descriptor is not dereferenced; bare-metal images enter at a plain label).
 * PT_LOAD headers with p_memsz = 0 load nothing and are dropped.
 */
public final class ElfImage {
    static final int EM_PPC = 20, EM_PPC64 = 21;
    static final int ET_EXEC = 2, ET_DYN = 3;
    static final int PT_LOAD = 1;
    private static final int EHDR32 = 52, EHDR64 = 64, PHDR32 = 32, PHDR64 = 56;

    private final Path origin;
    private final boolean is64;
    private final int machine;
    private final int type;
    private final long entry;
    private final long entryPhysical;
    private final List<LoadSegment> segments;
    /** Read by {@link #readHeaders}: the segments' shapes without their bytes; never loaded. */
    private final boolean headersOnly;

    private ElfImage(Path origin, boolean is64, int machine, int type, long entry, long entryPhysical,
                     List<LoadSegment> segments, boolean headersOnly) {
        this.headersOnly = headersOnly;
        this.origin = origin;
        this.is64 = is64;
        this.machine = machine;
        this.type = type;
        this.entry = entry;
        this.entryPhysical = entryPhysical;
        this.segments = List.copyOf(segments);
    }

    /**
     * Parses and checks an image. Nothing about guest RAM is known here; {@link #loadInto} and
     * {@link BootLayout} check the fit.
     *
     * @param origin the file the bytes came from, named in every error
     */
    public static ElfImage parse(Path origin, byte[] bytes) throws BootException {
        try {
            return parse(origin, new ArraySource(bytes), Long.MAX_VALUE, true);
        } catch (IOException e) {
            throw new IllegalStateException("reading a byte array cannot fail", e);
        }
    }

    /**
     * Reads and checks the image in {@code file} by parts: the headers, then each PT_LOAD
     * segment's file bytes. The file is never read whole, so a large file holding a small image
     * (or a sparse file of gigabytes) costs only its segments' bytes of heap, and a segment that
     * does not fit {@code ramBytes} is refused before its bytes are read.
     *
     * @throws IOException the file cannot be read, or is not a regular file (the message says what it is)
     */
    public static ElfImage read(Path file, long ramBytes) throws BootException, IOException {
        return read(file, ramBytes, true);
    }

    /**
     * Every check of {@link #read} (a segment that does not fit RAM aside: see {@link #checkFits}),
     * reading only the headers: what a config check needs to refuse an image before any VM boots
     * it, at the cost of its headers, not its bytes. The segments keep p_paddr, p_vaddr and
     * p_memsz but no bytes (p_filesz 0); {@link #loadInto} refuses such an image.
     */
    public static ElfImage readHeaders(Path file) throws BootException, IOException {
        return read(file, Long.MAX_VALUE, false);
    }

    /**
     * {@link #readHeaders(Path)} for an image known only by its first bytes and its whole size (a
     * gzip file's decompressed start): what the headers need must lie in {@code start}.
     *
     * @throws IOException when the headers reach beyond {@code start}
     */
    public static ElfImage readHeaders(Path origin, byte[] start, long size) throws BootException, IOException {
        return parse(origin, new PrefixSource(start, size), Long.MAX_VALUE, false);
    }

    private static ElfImage read(Path file, long ramBytes, boolean withData) throws BootException, IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + (Files.isDirectory(file) ? " is a directory"
                    : Files.exists(file) ? " is not a regular file (a device, pipe or socket)" : ": no such file"));
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return parse(file, new ChannelSource(channel), ramBytes, withData);
        }
    }

    /** Where the image's bytes come from: a whole array, or a file read by parts. */
    private sealed interface Source permits ArraySource, ChannelSource, PrefixSource {
        long size() throws IOException;

        /** {@code length} bytes from {@code offset}, which the caller has checked lie in the file. */
        byte[] read(long offset, int length) throws IOException;
    }

    private record ArraySource(byte[] bytes) implements Source {
        @Override public long size() { return bytes.length; }
        @Override public byte[] read(long offset, int length) { return Arrays.copyOfRange(bytes, (int) offset, (int) offset + length); }
    }

    private record PrefixSource(byte[] start, long size) implements Source {
        @Override public byte[] read(long offset, int length) throws IOException {
            if (offset + length > start.length) {
                throw new IOException("the ELF headers reach beyond the first %d bytes read (to %d)".formatted(start.length, offset + length));
            }
            return Arrays.copyOfRange(start, (int) offset, (int) offset + length);
        }
    }

    private record ChannelSource(FileChannel channel) implements Source {
        @Override public long size() throws IOException { return channel.size(); }

        @Override public byte[] read(long offset, int length) throws IOException {
            ByteBuffer into = ByteBuffer.allocate(length);
            while (into.hasRemaining()) {
                if (channel.read(into, offset + into.position()) < 0) throw new EOFException("file shrank while being read");
            }
            return into.array();
        }
    }

    /** The big-endian view of {@code length} bytes at {@code offset}, at most what the file holds. */
    private static ByteBuffer view(Source source, long size, long offset, int length) throws IOException {
        return ByteBuffer.wrap(source.read(offset, (int) Math.min(length, size - offset))).order(ByteOrder.BIG_ENDIAN);
    }

    private static ElfImage parse(Path origin, Source source, long ramBytes, boolean withData) throws BootException, IOException {
        long size = source.size();
        byte[] ident = source.read(0, (int) Math.min(size, EHDR64));
        ByteBuffer b = ByteBuffer.wrap(ident).order(ByteOrder.BIG_ENDIAN);
        if (size < 4 || ident[0] != 0x7f || ident[1] != 'E' || ident[2] != 'L' || ident[3] != 'F') {
            String found = size == 0 ? "empty (0 bytes)"
                    : HexFormat.ofDelimiter(" ").formatHex(ident, 0, (int) Math.min(4, size));
            throw new BootException.NotElf(origin, found);
        }
        if (size < 6) throw new BootException.Truncated(origin, "ELF identification (e_ident)", 0, 16, size);
        int elfClass = ident[4] & 0xFF, data = ident[5] & 0xFF;
        if (elfClass != 1 && elfClass != 2) throw new BootException.UnsupportedClass(origin, elfClass);
        if (data != 2) throw new BootException.UnsupportedByteOrder(origin, data);
        boolean is64 = elfClass == 2;
        int ehdrSize = is64 ? EHDR64 : EHDR32;
        if (size < ehdrSize) {
            throw new BootException.Truncated(origin, is64 ? "ELF64 header" : "ELF32 header", 0, ehdrSize, size);
        }
        int type = u16(b, 16), machine = u16(b, 18);
        if (machine != (is64 ? EM_PPC64 : EM_PPC)) throw new BootException.UnsupportedMachine(origin, is64, machine);
        if (type != ET_EXEC && type != ET_DYN) throw new BootException.UnsupportedType(origin, type);

        long entry = is64 ? b.getLong(24) : u32(b, 24);
        long phoff = is64 ? b.getLong(32) : u32(b, 28);
        int phentsize = u16(b, is64 ? 54 : 42), phnum = u16(b, is64 ? 56 : 44);
        int minPhent = is64 ? PHDR64 : PHDR32;
        if (phnum == 0xFFFF) throw new BootException.Malformed(origin, "ELF header", "e_phnum = PN_XNUM (extended numbering) is not supported");
        if (phnum > 0 && phentsize < minPhent) {
            throw new BootException.Malformed(origin, "ELF header", "e_phentsize is %d, at least %d expected".formatted(phentsize, minPhent));
        }
        long tableBytes = (long) phnum * phentsize;
        if (phoff < 0 || phoff > size || tableBytes > size - phoff) {
            throw new BootException.Truncated(origin, "program header table (%d entries of %d bytes)".formatted(phnum, phentsize),
                    phoff, tableBytes, size);
        }

        List<LoadSegment> segments = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            b = view(source, size, phoff + (long) i * phentsize, minPhent);   // only the fields we read
            int at = 0;
            if (b.getInt(at) != PT_LOAD) continue;
            long offset, vaddr, paddr, filesz, memsz;
            int flags;
            if (is64) {
                flags = b.getInt(at + 4);
                offset = b.getLong(at + 8); vaddr = b.getLong(at + 16); paddr = b.getLong(at + 24);
                filesz = b.getLong(at + 32); memsz = b.getLong(at + 40);
            } else {
                offset = u32(b, at + 4); vaddr = u32(b, at + 8); paddr = u32(b, at + 12);
                filesz = u32(b, at + 16); memsz = u32(b, at + 20); flags = b.getInt(at + 24);
            }
            String item = "segment " + i;
            if (Long.compareUnsigned(filesz, memsz) > 0) {
                throw new BootException.Malformed(origin, item, "p_filesz 0x%x exceeds p_memsz 0x%x".formatted(filesz, memsz));
            }
            if (memsz == 0) continue;
            if (paddr < 0 || memsz < 0 || paddr + memsz < 0) {   // beyond 2^63: never guest RAM
                throw new BootException.Malformed(origin, item, "p_paddr 0x%x + p_memsz 0x%x does not fit the physical address space"
                        .formatted(paddr, memsz));
            }
            if (offset < 0 || filesz < 0 || offset > size || filesz > size - offset) {
                throw new BootException.Truncated(origin, item + " data", offset, filesz, size);
            }
            if (Long.compareUnsigned(paddr, ramBytes) > 0 || Long.compareUnsigned(memsz, ramBytes - paddr) > 0) {
                throw new BootException.SegmentOutsideRam(origin, i, paddr, memsz, ramBytes);   // before reading its bytes
            }
            if (filesz > Integer.MAX_VALUE - 8) {
                throw new BootException.Malformed(origin, item, "p_filesz 0x%x is more than one segment may hold (2 GiB)".formatted(filesz));
            }
            if (withData) segments.add(new LoadSegment(i, paddr, vaddr, filesz, memsz, flags, source.read(offset, (int) filesz)));
            else segments.add(new LoadSegment(i, paddr, vaddr, 0, memsz, flags, new byte[0]));
        }
        if (segments.isEmpty()) throw new BootException.NoLoadableSegment(origin, phnum);

        List<LoadSegment> byAddress = new ArrayList<>(segments);
        byAddress.sort(Comparator.comparingLong(LoadSegment::paddr));
        for (int i = 1; i < byAddress.size(); i++) {
            LoadSegment a = byAddress.get(i - 1), c = byAddress.get(i);
            if (c.paddr() < a.physicalEnd()) {
                LoadSegment first = a.index() < c.index() ? a : c, second = first == a ? c : a;
                throw new BootException.OverlappingSegments(origin, first.index(), first.paddr(), first.memsz(),
                        second.index(), second.paddr(), second.memsz());
            }
        }

        long entryPhysical = -1;
        for (LoadSegment s : segments) {
            long delta = entry - s.vaddr();             // unsigned offset into the segment
            if (Long.compareUnsigned(delta, s.memsz()) < 0) {
                entryPhysical = s.paddr() + delta;
                break;
            }
        }
        if (entryPhysical < 0) throw new BootException.EntryOutsideSegments(origin, entry);
        return new ElfImage(origin, is64, machine, type, entry, entryPhysical, segments, !withData);
    }

    public Path origin() { return origin; }

    /** True for ELFCLASS64. */
    public boolean is64() { return is64; }

    /** e_machine: 20 (EM_PPC) or 21 (EM_PPC64). */
    public int machine() { return machine; }

    /** e_type: 2 (ET_EXEC) or 3 (ET_DYN). */
    public int type() { return type; }

    /** e_entry as linked (virtual). */
    public long entryVirtual() { return entry; }

    /** Physical entry = p_paddr of the segment containing e_entry + (e_entry − its p_vaddr). */
    public long entryPhysical() { return entryPhysical; }

    /** The loadable segments in program header order. */
    public List<LoadSegment> segments() { return segments; }

    /** Lowest p_paddr of any segment. */
    public long lowestPhysical() {
        long low = Long.MAX_VALUE;
        for (LoadSegment s : segments) low = Math.min(low, s.paddr());
        return low;
    }

    /** Highest p_paddr + p_memsz of any segment (exclusive). */
    public long highestPhysicalEnd() {
        long high = 0;
        for (LoadSegment s : segments) high = Math.max(high, s.physicalEnd());
        return high;
    }

    /** Throws {@link BootException.SegmentOutsideRam} for the first segment that does not fit. */
    public void checkFits(long ramBytes) throws BootException {
        for (LoadSegment s : segments) {
            if (!s.fitsIn(ramBytes)) throw new BootException.SegmentOutsideRam(origin, s.index(), s.paddr(), s.memsz(), ramBytes);
        }
    }

    /**
     * Copies every segment into RAM at p_paddr and zeroes each up to p_memsz. Every segment is
     * checked first, so a failure leaves RAM untouched. Other RAM is not cleared.
     */
    public void loadInto(GuestMemory ram) throws BootException {
        if (headersOnly) throw new IllegalStateException(origin + ": read by its headers only, it has no bytes to load");
        checkFits(ram.size());
        for (LoadSegment s : segments) s.copyInto(ram);
    }

    @Override public String toString() {
        return "ElfImage[%s %s entry=0x%x phys=0x%x %d segments]".formatted(origin, is64 ? "ELF64" : "ELF32",
                entry, entryPhysical, segments.size());
    }

    private static int u16(ByteBuffer b, int at) { return b.getShort(at) & 0xFFFF; }

    private static long u32(ByteBuffer b, int at) { return b.getInt(at) & 0xFFFF_FFFFL; }
}
