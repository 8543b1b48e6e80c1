package epaprlab.machine.boot;

import epaprlab.ppc.mem.GuestMemory;

import java.util.Arrays;

/**
 * One PT_LOAD segment, with its file bytes kept so the pristine image can be reloaded on every
 * reset without reading the file again. Immutable: {@link #data()} returns a copy.
 *
 * @param index  position in the program header table (used in error messages)
 * @param paddr  p_paddr: where the bytes go in guest physical memory
 * @param vaddr  p_vaddr
 * @param filesz p_filesz (= data length)
 * @param memsz  p_memsz; bytes past filesz are zeroed on load
 * @param flags  p_flags (PF_X 1, PF_W 2, PF_R 4)
 */
public record LoadSegment(int index, long paddr, long vaddr, long filesz, long memsz, int flags, byte[] data) {
    public static final int PF_X = 1, PF_W = 2, PF_R = 4;

    public LoadSegment {
        if (data == null || data.length != filesz) throw new IllegalArgumentException("segment " + index + ": data length != filesz");
        if (Long.compareUnsigned(filesz, memsz) > 0) throw new IllegalArgumentException("segment " + index + ": filesz > memsz");
        data = data.clone();
    }

    @Override public byte[] data() { return data.clone(); }

    /** Exclusive physical end (p_paddr + p_memsz). */
    public long physicalEnd() { return paddr + memsz; }

    /** True when {@code [paddr, paddr+memsz)} lies inside {@code ramBytes} of RAM at 0. */
    public boolean fitsIn(long ramBytes) {
        return paddr >= 0 && memsz >= 0 && paddr <= ramBytes && memsz <= ramBytes - paddr;
    }

    /** Copies the file bytes and zeroes the rest; the caller has checked {@link #fitsIn}. */
    void copyInto(GuestMemory ram) {
        ram.write(paddr, data, 0, data.length);          // no copy of data: this is the reset path
        if (memsz > filesz) ram.zero(paddr + filesz, memsz - filesz);
    }

    @Override public boolean equals(Object o) {
        return o instanceof LoadSegment s && s.index == index && s.paddr == paddr && s.vaddr == vaddr
                && s.filesz == filesz && s.memsz == memsz && s.flags == flags && Arrays.equals(s.data, data);
    }

    @Override public int hashCode() { return Long.hashCode(paddr) * 31 + Arrays.hashCode(data); }

    @Override public String toString() {
        return "LoadSegment[%d paddr=0x%x vaddr=0x%x filesz=0x%x memsz=0x%x flags=%s%s%s]".formatted(index, paddr, vaddr,
                filesz, memsz, (flags & PF_R) != 0 ? "r" : "-", (flags & PF_W) != 0 ? "w" : "-", (flags & PF_X) != 0 ? "x" : "-");
    }
}
