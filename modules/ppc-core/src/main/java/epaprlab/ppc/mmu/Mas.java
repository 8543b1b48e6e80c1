package epaprlab.ppc.mmu;

/** MAS register fields (LSB-0 masks on the register value; spec section 2). */
public final class Mas {
    private Mas() {}

    // MAS0
    public static final long ATSEL = 0x80000000L, TLBSEL = 0x30000000L, ESEL = 0x0FFF0000L, WQ = 0x3000L, NV = 0xFFFL;
    public static final int TLBSEL_SHIFT = 28, ESEL_SHIFT = 16;
    // MAS1
    public static final int V = 0x80000000, IPROT = 0x40000000, TID = 0x3FFF0000, IND = 0x2000, TS = 0x1000, TSIZE = 0xF80;
    public static final int TID_SHIFT = 16, TSIZE_SHIFT = 7;
    /** TSIZE code of a 4 KiB page (2^2 KiB). */
    public static final int TSIZE_4K = 2;
    // MAS2
    public static final long EPN = ~0xFFFL, ATTRIBUTES = 0x7FL, E = 0x01L, WIMGE = 0x1FL;
    // MAS3
    public static final long RPN = 0xFFFFF000L;
    public static final int UX = 0x20, SX = 0x10, UW = 0x08, SW = 0x04, UR = 0x02, SR = 0x01;
    // MAS4
    public static final long TLBSELD = 0x30000000L, TIDSELD = 0x00030000L, TSIZED = 0xF80L;
    // MAS6
    public static final long SPID = 0x3FFF0000L, SIND = 0x2L, SAS = 0x1L;

    // configuration registers as QEMU 7.2 reports them (spec section 1)
    public static final long TLB0CFG = 0x04110200L, TLB1CFG = 0x401CC040L, MMUCFG = 0;
    /** MMUCSR0 flash-invalidate bits. */
    public static final long TLB0_FI = 0x4, TLB1_FI = 0x2;
}
