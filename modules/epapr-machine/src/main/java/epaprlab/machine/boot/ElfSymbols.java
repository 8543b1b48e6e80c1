package epaprlab.machine.boot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The code symbols of a big-endian PowerPC ELF image's {@code .symtab}, for naming addresses in
 * crash reports, backtraces and {@code epapr-lab symbolize}: the nearest symbol at or below an
 * address, as {@code main+0x24}. Reads only the ELF header, the section headers and the symbol
 * and string tables (a vmlinux is not read whole).
 *
 * <p>Code symbols are STT_FUNC and STT_NOTYPE symbols defined in an executable section (assembly
 * labels such as {@code _start} are NOTYPE). In a 64-bit ELFv1 image a function symbol names its
 * descriptor in {@code .opd}; its code address is the descriptor's first doubleword, which is
 * what a PC is compared with (as binutils' synthetic {@code .name} symbols do).
 */
public final class ElfSymbols {
    private static final int SHT_SYMTAB = 2;
    private static final int STT_NOTYPE = 0, STT_FUNC = 2;
    private static final int SHN_UNDEF = 0, SHN_LORESERVE = 0xFF00;

    /** One code symbol: its name, code address and size in bytes (0 when the image gives none). */
    public record Symbol(String name, long address, long size) {}

    /** Where an address lies: {@code symbol} plus {@code offset} bytes. */
    public record Location(Symbol symbol, long offset) {
        /** {@code main+0x24}, or {@code main} at offset 0. */
        public String text() {
            return offset == 0 ? symbol.name() : symbol.name() + "+0x" + Long.toHexString(offset);
        }
    }

    /** No symbols (an image that is not ELF, or has no symbol table). */
    public static final ElfSymbols NONE = new ElfSymbols(new Symbol[0]);

    /** Sorted by address; at one address the preferred name (global, then FUNC) comes last. */
    private final Symbol[] byAddress;

    private ElfSymbols(Symbol[] byAddress) {
        this.byAddress = byAddress;
    }

    public List<Symbol> symbols() { return List.of(byAddress); }

    /**
     * The symbol at or below {@code address} (the nearest one before it), if any. An address past
     * the end of a sized symbol still names it when no other symbol lies between (as gdb does).
     */
    public Optional<Location> lookup(long address) {
        int lo = 0, hi = byAddress.length - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(byAddress[mid].address(), address) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0) return Optional.empty();
        Symbol s = byAddress[found];
        return Optional.of(new Location(s, address - s.address()));
    }

    /** {@code main+0x24}, or {@code ?} when no symbol lies at or below {@code address}. */
    public String describe(long address) {
        return lookup(address).map(Location::text).orElse("?");
    }

    /** The code address of the symbol named {@code name}, if the image has one. */
    public Optional<Symbol> byName(String name) {
        for (Symbol s : byAddress) if (s.name().equals(name)) return Optional.of(s);
        return Optional.empty();
    }

    /**
     * The code symbols of {@code file}. A file that is not an ELF image (a uImage, a gzip
     * kernel, raw firmware) has none: {@link #NONE}.
     *
     * @throws BootException for an ELF file whose headers or tables are cut or malformed
     */
    public static ElfSymbols read(Path file) throws BootException, IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 64) return NONE;
            ByteBuffer id = read(ch, file, 0, 64, size, "ELF header");
            if (id.getInt(0) != 0x7F454C46) return NONE;
            int elfClass = id.get(4);
            if (elfClass != 1 && elfClass != 2) throw new BootException.UnsupportedClass(file, elfClass);
            if (id.get(5) != 2) throw new BootException.UnsupportedByteOrder(file, id.get(5));
            boolean is64 = elfClass == 2;
            long shoff = is64 ? id.getLong(40) : u32(id, 32);
            int shentsize = u16(id, is64 ? 58 : 46), shnum = u16(id, is64 ? 60 : 48);
            if (shnum == 0 || shoff == 0) return NONE;
            int min = is64 ? 64 : 40;
            if (shentsize < min) {
                throw new BootException.Malformed(file, "ELF header", "e_shentsize is %d, at least %d expected".formatted(shentsize, min));
            }
            ByteBuffer sh = read(ch, file, shoff, (long) shnum * shentsize, size, "section header table");
            Section[] sections = new Section[shnum];
            for (int i = 0; i < shnum; i++) {
                int at = i * shentsize;
                sections[i] = is64
                        ? new Section(sh.getInt(at + 4), sh.getLong(at + 8), sh.getLong(at + 16), sh.getLong(at + 24),
                                sh.getLong(at + 32), sh.getInt(at + 40))
                        : new Section(sh.getInt(at + 4), u32(sh, at + 8), u32(sh, at + 12), u32(sh, at + 16),
                                u32(sh, at + 20), sh.getInt(at + 24));
            }
            int opd = opdIndex(ch, file, id, is64, shoff, shentsize, shnum, sections, size);
            ByteBuffer opdBytes = opd < 0 ? null
                    : read(ch, file, sections[opd].offset(), sections[opd].size(), size, "section .opd");
            List<Symbol> out = new ArrayList<>();
            List<int[]> ranks = new ArrayList<>();
            for (Section symtab : sections) {
                if (symtab.type() != SHT_SYMTAB) continue;
                if (symtab.link() < 0 || symtab.link() >= shnum) {
                    throw new BootException.Malformed(file, "symbol table", "sh_link %d names no section".formatted(symtab.link()));
                }
                Section strtab = sections[symtab.link()];
                ByteBuffer syms = read(ch, file, symtab.offset(), symtab.size(), size, "symbol table");
                byte[] strings = bytes(read(ch, file, strtab.offset(), strtab.size(), size, "symbol string table"));
                int entry = is64 ? 24 : 16;
                for (int at = entry; at + entry <= syms.limit(); at += entry) {     // entry 0 is the null symbol
                    int nameOff = syms.getInt(at);
                    int info = syms.get(at + (is64 ? 4 : 12)) & 0xFF;
                    int shndx = u16(syms, at + (is64 ? 6 : 14));
                    long value = is64 ? syms.getLong(at + 8) : u32(syms, at + 4);
                    long symSize = is64 ? syms.getLong(at + 16) : u32(syms, at + 8);
                    int type = info & 0xF, bind = info >>> 4;
                    if ((type != STT_FUNC && type != STT_NOTYPE) || shndx == SHN_UNDEF || shndx >= SHN_LORESERVE
                            || shndx >= shnum) continue;
                    long address = value;
                    if (shndx == opd && type == STT_FUNC) {
                        long inOpd = value - sections[opd].address();
                        if (inOpd < 0 || inOpd + 8 > opdBytes.limit()) continue;
                        address = opdBytes.getLong((int) inOpd);
                    } else if ((sections[shndx].flags() & ElfSections.SHF_EXECINSTR) == 0) {
                        continue;
                    }
                    String name = name(strings, nameOff);
                    if (name.isEmpty() || name.startsWith(".L")) continue;     // assembler-local labels
                    out.add(new Symbol(name, address, symSize));
                    ranks.add(new int[] {bind == 0 ? 0 : 1, type == STT_FUNC ? 1 : 0});
                }
            }
            Integer[] order = new Integer[out.size()];
            for (int i = 0; i < order.length; i++) order[i] = i;
            Arrays.sort(order, Comparator.<Integer>comparingLong(i -> out.get(i).address())
                    .thenComparingInt(i -> ranks.get(i)[0]).thenComparingInt(i -> ranks.get(i)[1]));
            Symbol[] sorted = new Symbol[order.length];
            for (int i = 0; i < order.length; i++) sorted[i] = out.get(order[i]);
            return sorted.length == 0 ? NONE : new ElfSymbols(withoutShadowed(sorted));
        }
    }

    /** Keeps, for each address, only the last (preferred) symbol. */
    private static Symbol[] withoutShadowed(Symbol[] sorted) {
        List<Symbol> keep = new ArrayList<>();
        for (int i = 0; i < sorted.length; i++) {
            if (i + 1 < sorted.length && sorted[i + 1].address() == sorted[i].address()) continue;
            keep.add(sorted[i]);
        }
        return keep.toArray(Symbol[]::new);
    }

    private record Section(int type, long flags, long address, long offset, long size, int link) {}

    /** The index of the 64-bit {@code .opd} section, or -1. */
    private static int opdIndex(FileChannel ch, Path file, ByteBuffer id, boolean is64, long shoff, int shentsize,
                                int shnum, Section[] sections, long size) throws BootException, IOException {
        if (!is64) return -1;
        int shstrndx = u16(id, 62);
        if (shstrndx >= shnum) return -1;
        Section names = sections[shstrndx];
        byte[] strings = bytes(read(ch, file, names.offset(), names.size(), size, "section name table"));
        ByteBuffer sh = read(ch, file, shoff, (long) shnum * shentsize, size, "section header table");
        for (int i = 0; i < shnum; i++) {
            if (name(strings, sh.getInt(i * shentsize)).equals(".opd") && sections[i].type() != ElfSections.SHT_NOBITS) return i;
        }
        return -1;
    }

    private static ByteBuffer read(FileChannel ch, Path file, long offset, long length, long fileSize, String item)
            throws BootException, IOException {
        if (offset < 0 || length < 0 || offset > fileSize || length > fileSize - offset || length > Integer.MAX_VALUE) {
            throw new BootException.Truncated(file, item, offset, length, fileSize);
        }
        ByteBuffer b = ByteBuffer.allocate((int) length).order(ByteOrder.BIG_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, offset + b.position()) < 0) throw new BootException.Truncated(file, item, offset, length, fileSize);
        }
        return b.flip();
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static String name(byte[] strings, int offset) {
        if (offset < 0 || offset >= strings.length) return "";
        int end = offset;
        while (end < strings.length && strings[end] != 0) end++;
        return new String(strings, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static int u16(ByteBuffer b, int at) { return b.getShort(at) & 0xFFFF; }

    private static long u32(ByteBuffer b, int at) { return b.getInt(at) & 0xFFFF_FFFFL; }
}
