package epaprlab.ppc.cpu;

/** Timer control register (SPR 340) and timer status register (SPR 336) masks (spec 5.7). */
public final class Tcr {
    private Tcr() {}

    public static final long WP = 0xC0000000L, WRC = 0x30000000L, WIE = 0x08000000L, DIE = 0x04000000L;
    public static final long FP = 0x03000000L, FIE = 0x00800000L, ARE = 0x00400000L;
    /** e500 period extensions: WPEXT (4 bits above WP), FPEXT (4 bits above FP). */
    public static final long WPEXT = 0x001E0000L, FPEXT = 0x0001E000L;

    /** TSR bits (write-one-to-clear for the guest). */
    public static final long TSR_ENW = 0x80000000L, TSR_WIS = 0x40000000L, TSR_WRS = 0x30000000L;
    public static final long TSR_DIS = 0x08000000L, TSR_FIS = 0x04000000L;

    /** LSB-0 index of the TB bit the watchdog watches: 63 - (WP | WPEXT << 2) (QEMU, KVM e500). */
    public static int watchdogBit(long tcr) {
        return 63 - (int) (((tcr >>> 30) & 3) | (((tcr >>> 17) & 0xF) << 2));
    }

    /** LSB-0 index of the TB bit the fixed-interval timer watches: 63 - (FP | FPEXT << 2). */
    public static int fitBit(long tcr) {
        return 63 - (int) (((tcr >>> 24) & 3) | (((tcr >>> 13) & 0xF) << 2));
    }
}
