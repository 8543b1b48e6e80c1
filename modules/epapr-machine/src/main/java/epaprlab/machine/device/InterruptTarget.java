package epaprlab.machine.device;

import java.util.function.IntSupplier;

/**
 * The interrupt inputs of one vCPU as the MPIC drives them; the board adapts a
 * {@code epaprlab.ppc.cpu.Cpu} to it. The MPIC calls these while holding its own lock, so an
 * implementation must not block and must not call back into the MPIC (the Cpu's setters only set
 * volatile state and wake the vCPU, which satisfies both).
 */
public interface InterruptTarget {
    /** The External Input (INT) line. */
    void setExternal(boolean raised);

    /**
     * Proxy ("coreint") mode: non-null means the CPU takes an External Input by calling
     * {@code iack.getAsInt()} and putting the vector into EPR; null turns it off.
     */
    void setExternalProxy(IntSupplier iackOrNull);

    /** The Critical Input (CINT) line, used by sources whose ILR selects it; ignored by default. */
    default void setCritical(boolean raised) {}
}
