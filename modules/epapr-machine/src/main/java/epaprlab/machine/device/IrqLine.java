package epaprlab.machine.device;

/**
 * A level-sensitive interrupt wire from a device to an interrupt controller input. Setting the
 * level it already has is harmless. Implementations are non-blocking and thread-safe.
 */
@FunctionalInterface
public interface IrqLine {
    void set(boolean level);

    /** A wire connected to nothing. */
    IrqLine NONE = level -> {};
}
