package epaprlab.orchestrator.config;

import java.time.Duration;

/**
 * Durations as people write them in configs ({@code 1m}, {@code 1m30s}, {@code 250ms}), for
 * every message and report; {@link Duration#toString()} ({@code PT1M30S}) is for machines.
 */
public final class Durations {
    private Durations() {}

    private static final long[] NANOS = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L,
        1_000_000_000L, 1_000_000L, 1_000L, 1L};
    private static final String[] UNITS = {"d", "h", "m", "s", "ms", "us", "ns"};

    /** {@code 1m}, {@code 1d2h}, {@code 1s500ms}, {@code 0s}; negative durations get a leading {@code -}. */
    public static String format(Duration d) {
        if (d.isZero()) return "0s";
        if (d.isNegative()) return "-" + format(d.negated());
        StringBuilder b = new StringBuilder();
        long seconds = d.getSeconds();
        long nanos = d.getNano();
        // whole units of a second or more come from the seconds, the rest from the nanos, so that
        // durations beyond Long.MAX_VALUE nanoseconds (292 years) still print.
        for (int i = 0; i < 4; i++) {
            long perUnit = NANOS[i] / 1_000_000_000L;
            long n = seconds / perUnit;
            if (n > 0) b.append(n).append(UNITS[i]);
            seconds %= perUnit;
        }
        for (int i = 4; i < NANOS.length; i++) {
            long n = nanos / NANOS[i];
            if (n > 0) b.append(n).append(UNITS[i]);
            nanos %= NANOS[i];
        }
        return b.toString();
    }
}
