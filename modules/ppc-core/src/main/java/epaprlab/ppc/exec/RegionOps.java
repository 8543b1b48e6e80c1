package epaprlab.ppc.exec;

/**
 * Value-level helpers the translated regions call with JVM locals (never with {@link CpuState}):
 * the same formulas as the handlers in {@link FixedPoint}, small enough for the JIT to inline.
 */
public final class RegionOps {
    private RegionOps() {}

    /** CA of a + b (+ cin) = r from bit {@code bit} (31 or 63). */
    public static int carry(long a, long b, long r, int bit) {
        return (int) ((((a & b) | ((a | b) & ~r)) >>> bit) & 1);
    }

    public static long slw(long rs, long rb) {
        int n = (int) rb & 0x3f;
        return n > 31 ? 0 : (rs << n) & 0xFFFFFFFFL;
    }

    public static long srw(long rs, long rb) {
        int n = (int) rb & 0x3f;
        return n > 31 ? 0 : (rs & 0xFFFFFFFFL) >>> n;
    }

    /** sraw/srawi result (n is the 6-bit shift count). */
    public static long sraw(long rs, int n) {
        int v = (int) rs;
        return n < 32 ? v >> n : v >> 31;
    }

    /** CA of sraw/srawi: a negative source with 1-bits shifted out. */
    public static int srawCa(long rs, int n) {
        int v = (int) rs;
        boolean lost = n < 32 ? n != 0 && (v & ((1 << n) - 1)) != 0 : v != 0;
        return v < 0 && lost ? 1 : 0;
    }

    public static long mulhw(long a, long b) { return (((long) (int) a * (long) (int) b) >>> 32) & 0xFFFFFFFFL; }

    public static long mulhwu(long a, long b) { return ((a & 0xFFFFFFFFL) * (b & 0xFFFFFFFFL)) >>> 32; }

    /** divw as QEMU: a bad divisor (0, or overflow) gives the dividend; zero-extended. */
    public static long divw(long ra, long rb) {
        int a = (int) ra, b = (int) rb;
        boolean bad = b == 0 || (a == Integer.MIN_VALUE && b == -1);
        return (bad ? a : a / b) & 0xFFFFFFFFL;
    }

    public static long divwu(long ra, long rb) {
        int a = (int) ra, b = (int) rb;
        return (b == 0 ? a : Integer.divideUnsigned(a, b)) & 0xFFFFFFFFL;
    }

    /** XER from its cached bits and the rest. */
    public static long xer(int so, int ov, int ca, long rest) {
        return ((long) so << 31) | ((long) ov << 30) | ((long) ca << 29) | rest;
    }

    public static long sld(long rs, long rb) {
        int n = (int) rb & 0x7f;
        return n > 63 ? 0 : rs << n;
    }

    public static long srd(long rs, long rb) {
        int n = (int) rb & 0x7f;
        return n > 63 ? 0 : rs >>> n;
    }

    /** srad/sradi result (n is the 7-bit shift count). */
    public static long srad(long v, int n) { return n < 64 ? v >> n : v >> 63; }

    public static int sradCa(long v, int n) {
        boolean lost = n < 64 ? n != 0 && (v & ((1L << n) - 1)) != 0 : v != 0;
        return v < 0 && lost ? 1 : 0;
    }

    public static long divd(long a, long b) {
        boolean bad = b == 0 || (a == Long.MIN_VALUE && b == -1);
        return bad ? a : a / b;
    }

    public static long divdu(long a, long b) { return b == 0 ? a : Long.divideUnsigned(a, b); }

    /** True when the physical bytes [from, to) overlap a word of the page at {@code page} set in {@code words}. */
    public static boolean touches(long from, long to, long page, long[] words) {
        long lo = Math.max(from, page), hi = Math.min(to, page + 4096);
        for (long a = lo & ~3L; a < hi; a += 4) {
            int i = (int) (a - page) >>> 2;
            if ((words[i >>> 6] & (1L << i)) != 0) return true;
        }
        return false;
    }
}
