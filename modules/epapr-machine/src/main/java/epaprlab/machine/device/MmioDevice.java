package epaprlab.machine.device;

/**
 * A device's registers as the board's {@link MmioBus} sees them. Offsets are relative to the
 * window the device is mapped at; values are big-endian as the guest's load or store sees them,
 * zero-extended; sizes are 1, 2, 4 or 8. Called on any vCPU thread: each device synchronises itself.
 *
 * <p>Devices with registers that depend on which CPU makes the access (the MPIC's "this CPU"
 * block, GUTS' PVR) override {@link #readBy}/{@link #writeBy}; the bus calls those through the
 * per-CPU views of {@link MmioBus#forCpu}, as QEMU consults its current CPU.
 */
public interface MmioDevice {
    long read(long offset, int size);

    void write(long offset, int size, long value);

    /** Back to the device's power-on state. */
    default void reset() {}

    /** A load made by vCPU {@code cpu}; the default ignores who asks. */
    default long readBy(int cpu, long offset, int size) { return read(offset, size); }

    /** A store made by vCPU {@code cpu}; the default ignores who asks. */
    default void writeBy(int cpu, long offset, int size, long value) { write(offset, size, value); }
}
