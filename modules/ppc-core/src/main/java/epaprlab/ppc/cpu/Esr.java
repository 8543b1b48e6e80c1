package epaprlab.ppc.cpu;

/** ESR bit masks (spec table 5.4). */
public final class Esr {
    private Esr() {}

    public static final long PIL = 0x08000000L;
    public static final long PPR = 0x04000000L;
    public static final long PTR = 0x02000000L;
    public static final long FP = 0x01000000L;
    public static final long ST = 0x00800000L;
    public static final long DLK = 0x00200000L;
    public static final long ILK = 0x00100000L;
    public static final long AP = 0x00080000L;
    public static final long PUO = 0x00040000L;
    public static final long BO = 0x00020000L;
    public static final long PIE = 0x00010000L;
}
