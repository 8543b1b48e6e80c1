package epaprlab.ppc.cpu;

/** What drives the time base (and with it DEC, FIT and the watchdog). */
public enum TimeSource {
    /**
     * One tick per retired instruction: runs are reproducible, and an idle CPU fast-forwards the
     * time base to its next armed timer event. The timebase frequency only matters to the guest
     * (device tree) and to converting ticks to host time.
     */
    INSTRUCTIONS,
    /** Ticks derived from {@link System#nanoTime()} scaled to the timebase frequency. */
    WALL_CLOCK,
}
