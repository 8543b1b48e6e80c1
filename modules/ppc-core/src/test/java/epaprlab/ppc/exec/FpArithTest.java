package epaprlab.ppc.exec;

import static org.junit.jupiter.api.Assertions.fail;

import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.mem.GuestMemory;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link FpArith}'s rounding against an independent reference: the exact result computed with
 * {@link BigDecimal} (sums, products and multiply-adds are exact; quotients to 1200 digits,
 * more than any binary64 quotient that terminates has) and rounded by the JDK's correctly
 * rounded {@code doubleValue}/{@code floatValue} (round to nearest even), then moved one ulp
 * when the rounding mode requires it (a directed mode picks the neighbour on its side of the
 * exact value). Checks result bits and the inexact flag for every rounding mode, in double and
 * in single precision (QEMU's float64r32: binary32 precision and range, binary64 format), on
 * random finite operands spanning denormals to near-overflow.
 */
class FpArithTest {
    enum Op { ADD, SUB, MUL, DIV, MADD, MSUB, NMADD, NMSUB }

    static final MathContext QUOTIENT = new MathContext(1200, RoundingMode.HALF_EVEN);

    static long randomFinite(SplittableRandom r) {
        return switch (r.nextInt(4)) {
            case 0 -> r.nextLong() & ~FpArith.EXP | ((long) r.nextInt(1, 2047) << 52);     // any finite normal
            case 1 -> (r.nextLong() & (FpArith.SIGN | FpArith.FRAC));                     // denormal or zero
            case 2 -> (r.nextLong() & (FpArith.SIGN | FpArith.FRAC)) | ((long) r.nextInt(990, 1060) << 52);   // moderate
            default -> Double.doubleToRawLongBits((float) (r.nextInt() * Math.scalb(1.0, r.nextInt(-160, 90))));   // single values
        };
    }

    /** The reference rounding of exact value x in mode rn (0 RN, 1 RZ, 2 RU, 3 RD). */
    static long reference(BigDecimal x, int rn, boolean single) {
        double max = single ? Float.MAX_VALUE : Double.MAX_VALUE;
        double r = single ? x.floatValue() : x.doubleValue();
        if (Double.isInfinite(r)) {
            boolean pos = r > 0;
            double toward0 = pos ? max : -max;
            r = switch (rn) { case 0 -> r; case 1 -> toward0; case 2 -> pos ? r : toward0; default -> pos ? toward0 : r; };
            return Double.doubleToRawLongBits(r);
        }
        int c = new BigDecimal(r).compareTo(x);   // sign of (rounded - exact)
        boolean up = switch (rn) {
            case 1 -> x.signum() < 0 && c < 0;   // toward zero: a negative value rounded below it
            case 2 -> c < 0;
            default -> false;
        };
        boolean down = switch (rn) {
            case 1 -> x.signum() > 0 && c > 0;
            case 3 -> c > 0;
            default -> false;
        };
        if (up) r = single ? Math.nextUp((float) r) : Math.nextUp(r);
        if (down) r = single ? Math.nextDown((float) r) : Math.nextDown(r);
        return Double.doubleToRawLongBits(r);
    }

    static boolean finite(long bits) { return Double.isFinite(Double.longBitsToDouble(bits)); }

    static BigDecimal bd(long bits) { return new BigDecimal(Double.longBitsToDouble(bits)); }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Op.class)
    void matchesTheExactReferenceInEveryRoundingModeAndPrecision(Op op) {
        CpuState s = new CpuState(CpuModel.E5500, new GuestMemory(4096));
        SplittableRandom rnd = new SplittableRandom(op.ordinal() * 7919L + 17);
        int checked = 0;
        for (int i = 0; i < 5_000; i++) {
            long a = randomFinite(rnd), b = randomFinite(rnd), c = randomFinite(rnd);
            if (op == Op.MADD || op == Op.MSUB || op == Op.NMADD || op == Op.NMSUB) {
                if (rnd.nextBoolean()) {   // cancellation: addend close to -(a*c)
                    double p = Double.longBitsToDouble(a) * Double.longBitsToDouble(c);
                    if (Double.isFinite(p)) b = Double.doubleToRawLongBits(op == Op.MADD || op == Op.NMADD ? -p : p) + rnd.nextInt(-2, 3);
                }
            }
            if (!finite(a) || !finite(b) || !finite(c)) continue;
            BigDecimal exact = switch (op) {
                case ADD -> bd(a).add(bd(b));
                case SUB -> bd(a).subtract(bd(b));
                case MUL -> bd(a).multiply(bd(c));
                case DIV -> FpArith.isZero(b) ? null : bd(a).divide(bd(b), QUOTIENT);
                case MADD -> bd(a).multiply(bd(c)).add(bd(b));
                case MSUB -> bd(a).multiply(bd(c)).subtract(bd(b));
                case NMADD -> bd(a).multiply(bd(c)).add(bd(b)).negate();
                case NMSUB -> bd(a).multiply(bd(c)).subtract(bd(b)).negate();
            };
            if (exact == null || exact.signum() == 0) continue;   // zero signs: the case table
            for (int rn = 0; rn < 4; rn++) {
                for (boolean single : new boolean[] {false, true}) {
                    s.fpscr = rn;
                    s.fpFlags = 0;
                    long got = switch (op) {
                        case ADD -> FpArith.add(s, a, b, false, single);
                        case SUB -> FpArith.add(s, a, b, true, single);
                        case MUL -> FpArith.mul(s, a, c, single);
                        case DIV -> FpArith.div(s, a, b, single);
                        case MADD -> FpArith.fma(s, a, c, b, false, false, single);
                        case MSUB -> FpArith.fma(s, a, c, b, true, false, single);
                        case NMADD -> FpArith.fma(s, a, c, b, false, true, single);
                        case NMSUB -> FpArith.fma(s, a, c, b, true, true, single);
                    };
                    long want = reference(exact, rn, single);
                    if (got != want) {
                        fail("%s a=%x b=%x c=%x rn=%d single=%b: got %x, want %x".formatted(op, a, b, c, rn, single, got, want));
                    }
                    boolean inexact = Double.isInfinite(Double.longBitsToDouble(want)) || bd(want).compareTo(exact) != 0;
                    if (inexact != ((s.fpFlags & FpArith.INEXACT) != 0)) {
                        fail("%s inexact flag a=%x b=%x c=%x rn=%d single=%b: want %b".formatted(op, a, b, c, rn, single, inexact));
                    }
                    checked++;
                }
            }
        }
        if (checked < 25_000) fail("only " + checked + " cases checked");
    }

    enum Fast { ADD, SUB, MUL, DIV }

    /**
     * Sums, products and quotients of operands far from overflow and underflow come from the
     * host's arithmetic plus an exact error term (two-sum, fma): they must give the exact integer
     * paths' bits and flags in every rounding mode, also at the edges of that domain (exponents
     * near the limits of the fast paths, cancellation, exact results).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Fast.class)
    void theFastPathsEqualTheExactIntegerPathsBitForBitAndFlagForFlag(Fast op) {
        CpuState s = new CpuState(CpuModel.E5500, new GuestMemory(4096));
        SplittableRandom rnd = new SplittableRandom(4242 + op.ordinal());
        for (int i = 0; i < 300_000; i++) {
            int ea = switch (i % 4) {
                case 0 -> rnd.nextInt(1, 2047);
                case 1 -> rnd.nextInt(50, 140);
                default -> rnd.nextInt(990, 1060);
            };
            int eb = switch (i % 4) {
                case 3 -> Math.max(1, Math.min(2046, (op == Fast.MUL ? 2110 - ea : ea) + (rnd.nextBoolean() ? 1000 : -1000)
                        + rnd.nextInt(-40, 41)));
                case 2 -> Math.max(1, Math.min(2046, ea + rnd.nextInt(-60, 61)));     // cancellation, overlapping sums
                default -> rnd.nextInt(1, 2047);
            };
            long a = (rnd.nextBoolean() ? FpArith.SIGN : 0) | ((long) ea << 52) | (i % 8 == 5 ? 0 : rnd.nextLong() & FpArith.FRAC);
            long b = (rnd.nextBoolean() ? FpArith.SIGN : 0) | ((long) eb << 52) | (i % 16 == 7 ? 0 : rnd.nextLong() & FpArith.FRAC);
            if (i % 32 == 9) b = a ^ (op == Fast.SUB ? 0 : FpArith.SIGN) ^ (rnd.nextLong() & 0xFF);   // near-total cancellation
            for (int rn = 0; rn < 4; rn++) {
                s.fpscr = rn;
                s.fpFlags = 0;
                long got = switch (op) {
                    case ADD -> FpArith.add(s, a, b, false, false);
                    case SUB -> FpArith.add(s, a, b, true, false);
                    case MUL -> FpArith.mul(s, a, b, false);
                    case DIV -> FpArith.div(s, a, b, false);
                };
                int gotFlags = s.fpFlags;
                s.fpFlags = 0;
                long want = switch (op) {
                    case ADD -> FpArith.addExact(s, a, b, false);
                    case SUB -> FpArith.addExact(s, a, b ^ FpArith.SIGN, false);
                    case MUL -> FpArith.mulExact(s, a, b, (a ^ b) & FpArith.SIGN, false);
                    case DIV -> FpArith.divRestoring(s, a, b, (a ^ b) & FpArith.SIGN, false);
                };
                if (got != want || gotFlags != s.fpFlags) {
                    fail("%s %016x, %016x rn=%d: got %016x flags %x, exact path %016x flags %x"
                            .formatted(op, a, b, rn, got, gotFlags, want, s.fpFlags));
                }
            }
        }
    }

    /** fcfid's exact shortcut for magnitudes up to 2^53 gives the rounding path's bits and flags. */
    @org.junit.jupiter.api.Test
    void convertingSmallIntegersEqualsTheRoundingPath() {
        CpuState s = new CpuState(CpuModel.E5500, new GuestMemory(4096));
        SplittableRandom rnd = new SplittableRandom(53);
        for (int i = 0; i < 200_000; i++) {
            long v = switch (i % 4) {
                case 0 -> rnd.nextLong(-(1L << 53), (1L << 53) + 1);
                case 1 -> (rnd.nextBoolean() ? 1 : -1) * ((1L << 53) + rnd.nextInt(-3, 4));   // across the bound
                case 2 -> rnd.nextInt();
                default -> rnd.nextLong(-1000, 1001);
            };
            if (v == 0) continue;
            for (int rn = 0; rn < 4; rn++) {
                s.fpscr = rn;
                s.fpFlags = 0;
                long got = FpArith.fromLong(s, v);
                int gotFlags = s.fpFlags;
                s.fpFlags = 0;
                long want = FpArith.fromLongExact(s, v);
                if (got != want || gotFlags != s.fpFlags) {
                    fail("fcfid %d rn=%d: got %016x flags %x, rounding path %016x flags %x".formatted(v, rn, got, gotFlags, want, s.fpFlags));
                }
            }
        }
    }
}
