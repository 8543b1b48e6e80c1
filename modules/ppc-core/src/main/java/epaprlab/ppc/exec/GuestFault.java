package epaprlab.ppc.exec;

/**
 * Thrown (one preallocated instance, no stack trace) by a memory access after it has delivered
 * a storage or alignment interrupt (or recorded an unhandled-interrupt stop), so that the
 * instruction is abandoned without writing any register. Caught by the interpreter loop.
 */
public final class GuestFault extends RuntimeException {
    public static final GuestFault INSTANCE = new GuestFault();

    private GuestFault() {
        super("guest storage fault", null, false, false);
    }
}
