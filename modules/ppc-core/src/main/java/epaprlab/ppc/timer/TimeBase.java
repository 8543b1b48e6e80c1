package epaprlab.ppc.timer;

import epaprlab.ppc.cpu.TimeSource;

/**
 * The 64-bit time base. In {@link TimeSource#INSTRUCTIONS} mode TB = retired instructions +
 * offset; in {@link TimeSource#WALL_CLOCK} mode TB = ticks of the host's monotonic clock since
 * creation (scaled to {@code hz}) + offset. Guest and host writes only move the offset, so reads
 * stay consistent with writes in both modes.
 */
public final class TimeBase {
    private static final long NANOS = 1_000_000_000L;

    private final TimeSource source;
    private final long hz;
    private final long originNanos = System.nanoTime();
    private long offset;

    public TimeBase(TimeSource source, long hz) {
        if (hz <= 0) throw new IllegalArgumentException("timebase frequency must be positive, got " + hz);
        this.source = source;
        this.hz = hz;
    }

    public TimeSource source() { return source; }
    public long hz() { return hz; }
    public boolean instructionDriven() { return source == TimeSource.INSTRUCTIONS; }

    /** The raw counter before the offset: retired instructions, or host ticks since creation. */
    private long raw(long retired) {
        if (source == TimeSource.INSTRUCTIONS) return retired;
        long ns = System.nanoTime() - originNanos;
        // split so that ns * hz cannot overflow (hz < 2^33 keeps the remainder product < 2^63)
        return (ns / NANOS) * hz + (ns % NANOS) * hz / NANOS;
    }

    public long read(long retired) { return raw(retired) + offset; }

    public void write(long retired, long tb) { offset = tb - raw(retired); }

    /** Moves the time base forward by {@code ticks} (idle fast-forward in instruction mode). */
    public void advance(long ticks) { offset += ticks; }

    public void reset(long retired) { write(retired, 0); }

    /** Wall-clock mode: the {@link System#nanoTime()} at which TB reaches {@code tb} (rounded up). */
    public long nanosAt(long tb) {
        long ticks = tb - offset;
        return originNanos + (ticks / hz) * NANOS + ((ticks % hz) * NANOS + hz - 1) / hz;
    }
}
