package epaprlab.machine.fdt;

/**
 * One entry of the blob's memory reservation block: guest physical {@code [address, address+size)}.
 * Size 0 is refused because an all-zero pair ends the block.
 */
public record MemoryReservation(long address, long size) {
    public MemoryReservation {
        if (size == 0) throw new IllegalArgumentException("memory reservation at 0x%x has size 0".formatted(address));
        if (Long.compareUnsigned(address + size, address) < 0 && address + size != 0) {
            throw new IllegalArgumentException("memory reservation 0x%x+0x%x wraps past 2^64".formatted(address, size));
        }
    }

    /** Exclusive end, unsigned (0 means the range runs to the top of the 64-bit space). */
    public long end() { return address + size; }

    /** True when the two ranges share at least one byte. */
    public boolean overlaps(MemoryReservation o) {
        return Long.compareUnsigned(address, o.address + o.size - 1) <= 0
                && Long.compareUnsigned(o.address, address + size - 1) <= 0;
    }

    @Override public String toString() { return "0x%x+0x%x".formatted(address, size); }
}
