package epaprlab.ppc.cpu;

/** MSR bit masks (Book E, 32-bit register image; spec table 5.1). */
public final class Msr {
    private Msr() {}

    public static final long CM = 0x80000000L;
    public static final long GS = 0x10000000L;
    public static final long UCLE = 0x04000000L;
    public static final long SPV = 0x02000000L;
    public static final long WE = 0x00040000L;
    public static final long CE = 0x00020000L;
    public static final long EE = 0x00008000L;
    public static final long PR = 0x00004000L;
    public static final long FP = 0x00002000L;
    public static final long ME = 0x00001000L;
    public static final long FE0 = 0x00000800L;
    public static final long UBLE = 0x00000400L;
    public static final long DE = 0x00000200L;
    public static final long FE1 = 0x00000100L;
    public static final long IS = 0x00000020L;
    public static final long DS = 0x00000010L;
    public static final long PMM = 0x00000004L;
    public static final long RI = 0x00000002L;
}
