package epaprlab.ppc.differential;

import epaprlab.ppc.mem.GuestMemory;

import java.nio.ByteBuffer;

/** Minimal big-endian ELF32/ELF64 reader: entry point and PT_LOAD segments (for the bare-metal engine runs). */
public record Elf(boolean wide, long entry, long maxAddress, byte[] image) {
    static final int PT_LOAD = 1;

    public static Elf parse(byte[] f) {
        ByteBuffer b = ByteBuffer.wrap(f);
        if (f.length < 52 || b.getInt(0) != 0x7F454C46) throw new IllegalArgumentException("not an ELF file");
        boolean wide = f[4] == 2;
        if (f[5] != 2) throw new IllegalArgumentException("not big-endian");
        long entry = wide ? b.getLong(24) : b.getInt(24) & 0xFFFFFFFFL;
        long phoff = wide ? b.getLong(32) : b.getInt(28) & 0xFFFFFFFFL;
        int phentsize = b.getShort(wide ? 54 : 42) & 0xFFFF, phnum = b.getShort(wide ? 56 : 44) & 0xFFFF;
        long max = 0;
        for (int i = 0; i < phnum; i++) {
            int p = (int) (phoff + (long) i * phentsize);
            if (b.getInt(p) != PT_LOAD) continue;
            long vaddr = wide ? b.getLong(p + 16) : b.getInt(p + 8) & 0xFFFFFFFFL;
            long memsz = wide ? b.getLong(p + 40) : b.getInt(p + 20) & 0xFFFFFFFFL;
            max = Math.max(max, vaddr + memsz);
        }
        return new Elf(wide, entry, max, f);
    }

    /** Copies every PT_LOAD segment's file bytes to its virtual address (bss stays as in {@code mem}). */
    public void load(GuestMemory mem) {
        ByteBuffer b = ByteBuffer.wrap(image);
        long phoff = wide ? b.getLong(32) : b.getInt(28) & 0xFFFFFFFFL;
        int phentsize = b.getShort(wide ? 54 : 42) & 0xFFFF, phnum = b.getShort(wide ? 56 : 44) & 0xFFFF;
        for (int i = 0; i < phnum; i++) {
            int p = (int) (phoff + (long) i * phentsize);
            if (b.getInt(p) != PT_LOAD) continue;
            long off = wide ? b.getLong(p + 8) : b.getInt(p + 4) & 0xFFFFFFFFL;
            long vaddr = wide ? b.getLong(p + 16) : b.getInt(p + 8) & 0xFFFFFFFFL;
            long filesz = wide ? b.getLong(p + 32) : b.getInt(p + 16) & 0xFFFFFFFFL;
            mem.write(vaddr, image, (int) off, (int) filesz);
        }
    }
}
