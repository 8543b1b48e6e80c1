package epaprlab.ppc.cpu;

/**
 * FPSCR bit masks (Power ISA Book I 4.2.2; 32-bit image, FPSCR bits 32..63). Names as in the
 * ISA; QEMU's {@code FP_*} masks in target/ppc/cpu.h are the same bits.
 */
public final class Fpscr {
    private Fpscr() {}

    public static final int FX = 1 << 31, FEX = 1 << 30, VX = 1 << 29, OX = 1 << 28;
    public static final int UX = 1 << 27, ZX = 1 << 26, XX = 1 << 25, VXSNAN = 1 << 24;
    public static final int VXISI = 1 << 23, VXIDI = 1 << 22, VXZDZ = 1 << 21, VXIMZ = 1 << 20;
    public static final int VXVC = 1 << 19, FR = 1 << 18, FI = 1 << 17;
    /** FPRF: class bit C and the four FPCC bits FL, FG, FE, FU. */
    public static final int C = 1 << 16, FL = 1 << 15, FG = 1 << 14, FE = 1 << 13, FU = 1 << 12;
    public static final int FPRF = 0x1F << 12, FPCC = 0xF << 12;
    public static final int FPRF_SHIFT = 12;
    /** Bit 52 of the 64-bit register: reserved, reads as 0 (QEMU's FPSCR_MTFS_MASK drops it). */
    public static final int RESERVED = 1 << 11;
    public static final int VXSOFT = 1 << 10, VXSQRT = 1 << 9, VXCVI = 1 << 8;
    public static final int VE = 1 << 7, OE = 1 << 6, UE = 1 << 5, ZE = 1 << 4, XE = 1 << 3;
    /** Non-IEEE mode: stored, but ignored by the arithmetic (as QEMU). */
    public static final int NI = 1 << 2;
    public static final int RN = 3;

    /** All invalid-operation exception bits (their OR is VX). */
    public static final int VX_ALL = VXSNAN | VXISI | VXIDI | VXZDZ | VXIMZ | VXVC | VXSOFT | VXSQRT | VXCVI;
    /** Rounding modes (RN field). */
    public static final int RN_NEAREST = 0, RN_ZERO = 1, RN_UP = 2, RN_DOWN = 3;
}
