package epaprlab.machine.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The executable sections of a PowerPC ELF image (section headers with SHF_EXECINSTR and file
 * contents, in section header order), for the {@code disasm} command. The ELF header is checked by
 * {@link ElfImage#parse} first, so the same images are accepted and the same errors name the file.
 */
public final class ElfSections {
    static final int SHT_NOBITS = 8;
    static final long SHF_EXECINSTR = 0x4;
    private static final int SHDR32 = 40, SHDR64 = 64;

    /** One executable section: its name, its address (sh_addr) and its bytes. */
    public record Section(String name, long address, byte[] bytes) {}

    private ElfSections() {}

    /** True for ELFCLASS64 (the disassembler then defaults to e5500). */
    public static boolean is64(Path origin, byte[] bytes) throws BootException {
        return ElfImage.parse(origin, bytes).is64();
    }

    /** The SHF_EXECINSTR sections with contents, in file (section header) order. */
    public static List<Section> executable(Path origin, byte[] bytes) throws BootException {
        boolean is64 = ElfImage.parse(origin, bytes).is64();
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        long shoff = is64 ? b.getLong(40) : u32(b, 32);
        int shentsize = u16(b, is64 ? 58 : 46), shnum = u16(b, is64 ? 60 : 48), shstrndx = u16(b, is64 ? 62 : 50);
        if (shnum == 0) throw new BootException.Malformed(origin, "ELF header", "no section headers (e_shnum = 0)");
        int min = is64 ? SHDR64 : SHDR32;
        if (shentsize < min) {
            throw new BootException.Malformed(origin, "ELF header", "e_shentsize is %d, at least %d expected".formatted(shentsize, min));
        }
        long tableBytes = (long) shnum * shentsize;
        if (shoff < 0 || shoff > bytes.length || tableBytes > bytes.length - shoff) {
            throw new BootException.Truncated(origin, "section header table (%d entries of %d bytes)".formatted(shnum, shentsize),
                    shoff, tableBytes, bytes.length);
        }
        if (shstrndx >= shnum) {
            throw new BootException.Malformed(origin, "ELF header", "e_shstrndx %d is not below e_shnum %d".formatted(shstrndx, shnum));
        }
        Header strtab = header(origin, b, bytes.length, is64, shoff, shentsize, shstrndx);
        List<Section> out = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            Header h = header(origin, b, bytes.length, is64, shoff, shentsize, i);
            if ((h.flags & SHF_EXECINSTR) == 0 || h.type == SHT_NOBITS || h.size == 0) continue;
            out.add(new Section(name(origin, bytes, strtab, h.name, i), h.addr,
                    Arrays.copyOfRange(bytes, (int) h.offset, (int) (h.offset + h.size))));
        }
        return out;
    }

    private record Header(int name, int type, long flags, long addr, long offset, long size) {}

    private static Header header(Path origin, ByteBuffer b, int fileSize, boolean is64, long shoff, int shentsize, int i)
            throws BootException {
        int at = (int) (shoff + (long) i * shentsize);
        Header h = is64
                ? new Header(b.getInt(at), b.getInt(at + 4), b.getLong(at + 8), b.getLong(at + 16), b.getLong(at + 24), b.getLong(at + 32))
                : new Header(b.getInt(at), b.getInt(at + 4), u32(b, at + 8), u32(b, at + 12), u32(b, at + 16), u32(b, at + 20));
        if (h.type != SHT_NOBITS && (h.offset < 0 || h.size < 0 || h.offset > fileSize || h.size > fileSize - h.offset)) {
            throw new BootException.Truncated(origin, "section " + i + " data", h.offset, h.size, fileSize);
        }
        return h;
    }

    private static String name(Path origin, byte[] bytes, Header strtab, int nameOffset, int index) throws BootException {
        long start = strtab.offset + (nameOffset & 0xFFFF_FFFFL);
        long end = strtab.offset + strtab.size;
        if (start >= end) throw new BootException.Malformed(origin, "section " + index, "sh_name 0x%x lies outside the section name table".formatted(nameOffset));
        int e = (int) start;
        while (e < end && bytes[e] != 0) e++;
        return new String(bytes, (int) start, e - (int) start, StandardCharsets.US_ASCII);
    }

    private static int u16(ByteBuffer b, int at) { return b.getShort(at) & 0xFFFF; }

    private static long u32(ByteBuffer b, int at) { return b.getInt(at) & 0xFFFF_FFFFL; }
}
