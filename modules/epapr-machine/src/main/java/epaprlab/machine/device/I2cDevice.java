package epaprlab.machine.device;

/**
 * A device on an I2C bus, as the bus master ({@link MpcI2c}) drives it: one transfer is a start
 * (read or write), bytes, and a finish. Called with the controller's lock held.
 */
public interface I2cDevice {
    /** A START (or repeated START) addressed to this device; {@code read} is the R/W bit. */
    void start(boolean read);

    /** A byte written by the master; false means NACK (the transfer ends). */
    boolean send(int b);

    /** A byte read by the master. */
    int receive();

    /** STOP, or the master moved on. */
    default void finish() {}

    /** Back to the power-on state. */
    default void reset() {}
}
