package epaprlab.ppc.mem;

/**
 * A host access to guest physical memory that cannot be done: outside RAM (a bug in the host or a
 * bad guest pointer), or a write the page budget refused ({@link PageBudgetExceeded}).
 */
public sealed class MemoryFault extends RuntimeException permits PageBudgetExceeded {
    private final long address;

    public MemoryFault(long address, long length, long ramSize) {
        this(address, "guest physical access 0x%x+%d lies outside RAM (0x%x bytes)".formatted(address, length, ramSize));
    }

    MemoryFault(long address, String message) {
        super(message);
        this.address = address;
    }

    public long address() { return address; }
}
