package epaprlab.machine.boot;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Hand-made big-endian ELF files for the malformed cases: header + program headers + payload. */
final class ElfBuilder {
    record Phdr(int type, long offset, long vaddr, long paddr, long filesz, long memsz, int flags) {
        static Phdr load(long offset, long addr, long filesz, long memsz) {
            return new Phdr(ElfImage.PT_LOAD, offset, addr, addr, filesz, memsz, LoadSegment.PF_R | LoadSegment.PF_X);
        }
    }

    boolean is64;
    int elfClass, data = 2, type = ElfImage.ET_EXEC, machine;
    long entry;
    int phentsize;
    final List<Phdr> phdrs = new ArrayList<>();
    int payloadSize = 0x100;

    private ElfBuilder(boolean is64) {
        this.is64 = is64;
        this.elfClass = is64 ? 2 : 1;
        this.machine = is64 ? ElfImage.EM_PPC64 : ElfImage.EM_PPC;
        this.phentsize = is64 ? 56 : 32;
    }

    static ElfBuilder elf32() { return new ElfBuilder(false); }

    static ElfBuilder elf64() { return new ElfBuilder(true); }

    /** Where the payload starts: after the header and the program header table. */
    int payloadOffset() { return headerSize() + phdrs.size() * phentsize; }

    int headerSize() { return is64 ? 64 : 52; }

    ElfBuilder phdr(Phdr p) { phdrs.add(p); return this; }

    ElfBuilder entry(long e) { entry = e; return this; }

    /** A file with one loadable segment of {@code size} payload bytes at {@code addr}, entry at its start. */
    static ElfBuilder simple(boolean is64, long addr, int size) {
        ElfBuilder b = is64 ? elf64() : elf32();
        b.payloadSize = size;
        b.phdr(Phdr.load(b.headerSize() + b.phentsize, addr, size, size)).entry(addr);
        return b;
    }

    byte[] bytes() {
        int phoff = headerSize();
        ByteBuffer b = ByteBuffer.allocate(payloadOffset() + payloadSize);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) elfClass, (byte) data, 1, 0});
        b.putShort(16, (short) type).putShort(18, (short) machine).putInt(20, 1);
        if (is64) {
            b.putLong(24, entry).putLong(32, phoff).putLong(40, 0).putInt(48, 0)
                    .putShort(52, (short) 64).putShort(54, (short) phentsize).putShort(56, (short) phdrs.size());
        } else {
            b.putInt(24, (int) entry).putInt(28, phoff).putInt(32, 0).putInt(36, 0)
                    .putShort(40, (short) 52).putShort(42, (short) phentsize).putShort(44, (short) phdrs.size());
        }
        for (int i = 0; i < phdrs.size(); i++) {
            Phdr p = phdrs.get(i);
            int at = phoff + i * phentsize;
            if (is64) {
                b.putInt(at, p.type()).putInt(at + 4, p.flags()).putLong(at + 8, p.offset()).putLong(at + 16, p.vaddr())
                        .putLong(at + 24, p.paddr()).putLong(at + 32, p.filesz()).putLong(at + 40, p.memsz()).putLong(at + 48, 4);
            } else {
                b.putInt(at, p.type()).putInt(at + 4, (int) p.offset()).putInt(at + 8, (int) p.vaddr())
                        .putInt(at + 12, (int) p.paddr()).putInt(at + 16, (int) p.filesz()).putInt(at + 20, (int) p.memsz())
                        .putInt(at + 24, p.flags()).putInt(at + 28, 4);
            }
        }
        for (int i = payloadOffset(); i < b.capacity(); i++) b.put(i, (byte) (i * 7 + 1));   // recognisable payload
        return b.array();
    }
}
