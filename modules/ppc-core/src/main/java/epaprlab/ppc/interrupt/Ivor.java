package epaprlab.ppc.interrupt;

/** Book E interrupt vector offsets (IVOR indices; spec table 5.2). */
public final class Ivor {
    private Ivor() {}

    public static final int CRITICAL_INPUT = 0, MACHINE_CHECK = 1, DATA_STORAGE = 2, INSTRUCTION_STORAGE = 3;
    public static final int EXTERNAL = 4, ALIGNMENT = 5, PROGRAM = 6, FP_UNAVAILABLE = 7, SYSTEM_CALL = 8;
    public static final int AP_UNAVAILABLE = 9, DECREMENTER = 10, FIXED_INTERVAL = 11, WATCHDOG = 12;
    public static final int DTLB_ERROR = 13, ITLB_ERROR = 14, DEBUG = 15;
    public static final int DOORBELL = 36, DOORBELL_CRITICAL = 37;

    /** Human-readable interrupt name for stop details. */
    public static String name(int ivor) {
        return switch (ivor) {
            case 0 -> "critical input";
            case 1 -> "machine check";
            case 2 -> "data storage";
            case 3 -> "instruction storage";
            case 4 -> "external input";
            case 5 -> "alignment";
            case 6 -> "program";
            case 7 -> "floating-point unavailable";
            case 8 -> "system call";
            case 9 -> "auxiliary processor unavailable";
            case 10 -> "decrementer";
            case 11 -> "fixed-interval timer";
            case 12 -> "watchdog";
            case 13 -> "data TLB error";
            case 14 -> "instruction TLB error";
            case 15 -> "debug";
            case 36 -> "processor doorbell";
            case 37 -> "processor doorbell critical";
            default -> "IVOR" + ivor;
        };
    }
}
