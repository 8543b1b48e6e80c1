package epaprlab.ppc.mem;

/**
 * Physical addresses outside RAM, as the board decodes them: device registers (MMIO) and the holes
 * between them. Physical addresses are up to 36 bits (Book E MAS7). The engine calls it on the
 * thread of the vCPU that made the access, so a device shared by several vCPUs synchronises itself.
 *
 * <p>A board without one ({@link #NONE}) keeps the flat ePAPR behaviour: a guest access outside RAM
 * is a Data Storage interrupt.
 */
public interface PhysicalBus {
    /**
     * A load of {@code size} bytes (1, 2, 4 or 8) at {@code pa}: the value as the guest's
     * big-endian load sees it, zero-extended.
     */
    long read(long pa, int size);

    /** A store of the low {@code size} bytes (1, 2, 4 or 8) of {@code value} at {@code pa}. */
    void write(long pa, int size, long value);

    /** True when this bus decodes {@code pa}; false means "nothing there" for the engine's fault path. */
    default boolean decodes(long pa) { return true; }

    /** No bus: nothing is decoded outside RAM. */
    PhysicalBus NONE = new PhysicalBus() {
        @Override public long read(long pa, int size) { throw new IllegalStateException("no physical bus"); }
        @Override public void write(long pa, int size, long value) { throw new IllegalStateException("no physical bus"); }
        @Override public boolean decodes(long pa) { return false; }
    };
}
