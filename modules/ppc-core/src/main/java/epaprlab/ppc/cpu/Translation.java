package epaprlab.ppc.cpu;

/** How a {@link Cpu} turns effective addresses into physical ones. */
public enum Translation {
    /**
     * Effective address == physical address; the TLB instructions are privileged no-ops (the
     * ePAPR board and its SDK guests). The default.
     */
    FLAT,
    /**
     * The e500mc/e5500 Book E MMU as QEMU 7.2 shows it (shared/spec/booke-mmu.md): TLB0/TLB1,
     * MAS registers, TLB instructions, TLB error and storage interrupts.
     */
    BOOK_E,
}
