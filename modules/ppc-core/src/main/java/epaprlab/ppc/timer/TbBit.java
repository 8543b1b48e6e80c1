package epaprlab.ppc.timer;

/**
 * 0→1 transitions of one time-base bit, the clock of FIT and watchdog. Bit {@code i} (LSB-0)
 * goes 0→1 at TB = 2^i + k·2^(i+1), so the number of transitions in [1, x] is
 * ((x >>> i) + 1) >>> 1 (x unsigned); events past 2^63 count as never.
 */
final class TbBit {
    private TbBit() {}

    static long count(long tb, int bit) { return ((tb >>> bit) + 1) >>> 1; }

    /** Transitions in (from, to]; 0 when the time base went backwards (a TB write). */
    static long between(long from, long to, int bit) {
        if (Long.compareUnsigned(to, from) <= 0) return 0;
        return count(to, bit) - count(from, bit);
    }

    /** The first TB after {@code tb} at which the bit goes 0→1, or Long.MAX_VALUE. */
    static long next(long tb, int bit) {
        if (tb < 0 || bit >= 63) return Long.MAX_VALUE;
        long k = count(tb, bit);
        if (k > (Long.MAX_VALUE - (1L << bit)) >>> (bit + 1)) return Long.MAX_VALUE;
        return (1L << bit) + (k << (bit + 1));
    }
}
