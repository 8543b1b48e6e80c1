package epaprlab.ppc.mem;

/** A host access to guest physical memory outside RAM: a bug in the host or a bad guest pointer. */
public final class MemoryFault extends RuntimeException {
    private final long address;

    public MemoryFault(long address, long length, long ramSize) {
        super("guest physical access 0x%x+%d lies outside RAM (0x%x bytes)".formatted(address, length, ramSize));
        this.address = address;
    }

    public long address() { return address; }
}
