package epaprlab.ppc.cpu;

/** SPR numbers (decimal; spec table 5.5). */
public final class Spr {
    private Spr() {}

    public static final int XER = 1, LR = 8, CTR = 9, DEC = 22, SRR0 = 26, SRR1 = 27, PID = 48, DECAR = 54;
    public static final int CSRR0 = 58, CSRR1 = 59, DEAR = 61, ESR = 62, IVPR = 63;
    public static final int USPRG0 = 256;
    /** SPRG3..7 user read-only views are 259..263. */
    public static final int SPRG3_RO = 259, SPRG4_RO = 260, SPRG5_RO = 261, SPRG6_RO = 262, SPRG7_RO = 263;
    public static final int TBL_R = 268, TBU_R = 269;
    public static final int SPRG0 = 272, SPRG1 = 273, SPRG2 = 274, SPRG3 = 275;
    public static final int SPRG4 = 276, SPRG5 = 277, SPRG6 = 278, SPRG7 = 279;
    public static final int TBL_W = 284, TBU_W = 285, PIR = 286, PVR = 287;
    public static final int DBSR = 304, EPCR = 307, DBCR0 = 308, DBCR1 = 309, DBCR2 = 310;
    public static final int IAC1 = 312, IAC2 = 313, DAC1 = 316, DAC2 = 317, DVC1 = 318, DVC2 = 319;
    public static final int TSR = 336, TCR = 340;
    /** e5500: MAS7 (high word) and MAS3 (low word) as one 64-bit register. */
    public static final int MAS7_MAS3 = 372;
    /** External proxy: the vector the MPIC gave when the External Input interrupt was taken. */
    public static final int EPR = 702;
    public static final int MAS5 = 339, MAS8 = 341;
    /** IVOR0..15 are 400..415. */
    public static final int IVOR0 = 400;
    /** IVOR38..42 are 432..436. */
    public static final int IVOR38 = 432;
    /** SPE status (no SPE unit: plain storage, as in QEMU), branch buffer entry/target address. */
    public static final int SPEFSCR = 512, BBEAR = 513, BBTAR = 514;
    public static final int L1CFG0 = 515, L1CFG1 = 516;
    public static final int NPIDR = 517;
    /** IVOR32..37 are 528..533. */
    public static final int IVOR32 = 528;
    public static final int MCSRR0 = 570, MCSRR1 = 571, MCSR = 572, MCAR = 573, DSRR0 = 574, DSRR1 = 575;
    public static final int SPRG8 = 604, SPRG9 = 605;
    public static final int MAS0 = 624, MAS1 = 625, MAS2 = 626, MAS3 = 627, MAS4 = 628, MAS6 = 630;
    public static final int PID1 = 633, PID2 = 634;
    public static final int TLB0CFG = 688, TLB1CFG = 689;
    public static final int MAS7 = 944;
    /** External PID load and store contexts. */
    public static final int EPLC = 947, EPSC = 948;
    public static final int HID0 = 1008, HID1 = 1009, L1CSR0 = 1010, L1CSR1 = 1011, MMUCSR0 = 1012;
    public static final int BUCSR = 1013, MMUCFG = 1015, L2CSR0 = 1017, L2CSR1 = 1018, SVR = 1023;

    /**
     * The SPR numbers with storage in a CPU: every architected one above (SPRG3..7 read-only views,
     * TB views, DEC and MAS7_MAS3 included, which their handlers redirect). Each gets a slot of
     * {@code CpuState.sprs}; slot 0 stands for every other number (reads 0, writes dropped), so a
     * vCPU keeps 128 words instead of 1,024.
     */
    private static final int[][] STORED = {
        {XER}, {LR, CTR}, {DEC}, {SRR0, SRR1}, {PID}, {DECAR}, {CSRR0, CSRR1}, {DEAR, IVPR},
        {USPRG0, SPRG7_RO}, {TBL_R, TBU_R}, {SPRG0, SPRG7}, {TBL_W, PVR}, {DBSR, DVC2}, {TSR, MAS8},
        {MAS7_MAS3}, {IVOR0, IVOR0 + 15}, {IVOR38, IVOR38 + 4}, {SPEFSCR, NPIDR}, {IVOR32, IVOR32 + 5},
        {MCSRR0, DSRR1}, {SPRG8, SPRG9}, {MAS0, PID2}, {TLB0CFG, TLB1CFG}, {EPR}, {MAS7}, {EPLC, EPSC}, {HID0, SVR},
    };
    private static final short[] SLOT = new short[1024];
    /** Slots of a CPU's SPR storage, slot 0 included. */
    public static final int SLOTS;
    static {
        int next = 1;
        for (int[] r : STORED) for (int n = r[0]; n <= r[r.length - 1]; n++) SLOT[n] = (short) next++;
        SLOTS = next;
    }

    /** The storage slot of SPR {@code n} (0..1023): 0 when the CPU keeps no storage for it. */
    public static int slot(int n) { return SLOT[n]; }

    /** EPCR[ICM]: interrupts are taken in 64-bit mode (e5500). */
    public static final long EPCR_ICM = 0x02000000L;

    /** The SPR number of IVOR {@code n} (0..15, 32..42), or -1 when there is none. */
    public static int ivorSpr(int n) {
        if (n >= 0 && n <= 15) return IVOR0 + n;
        if (n >= 32 && n <= 37) return IVOR32 + (n - 32);
        if (n >= 38 && n <= 42) return IVOR38 + (n - 38);
        return -1;
    }

    /** The IVOR index held by SPR {@code spr}, or -1 when it is not an IVOR. */
    public static int ivorOf(int spr) {
        if (spr >= IVOR0 && spr <= IVOR0 + 15) return spr - IVOR0;
        if (spr >= IVOR32 && spr <= IVOR32 + 5) return spr - IVOR32 + 32;
        if (spr >= IVOR38 && spr <= IVOR38 + 4) return spr - IVOR38 + 38;
        return -1;
    }
}
