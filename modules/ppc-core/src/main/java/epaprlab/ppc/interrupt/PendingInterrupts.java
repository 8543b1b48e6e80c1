package epaprlab.ppc.interrupt;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Interrupt requests that come from outside the running CPU: the host's external and critical
 * input lines (levels: pending while raised), machine check (an event: consumed when taken) and
 * processor doorbells from any CPU sharing the RAM (events: consumed when taken, or by
 * {@code msgclr}). Thread-safe; raising sets {@link #attention}, which the interpreter polls with
 * its kick flag, and calls the wake hook so a host thread sleeping on an idle vCPU can look again.
 */
public final class PendingInterrupts {
    public static final int EXTERNAL = 1, CRITICAL = 2, MACHINE_CHECK = 4, DOORBELL = 8, DOORBELL_CRITICAL = 16;

    private static final VarHandle BITS, MCSR;
    static {
        try {
            var l = MethodHandles.lookup();
            BITS = l.findVarHandle(PendingInterrupts.class, "bits", int.class);
            MCSR = l.findVarHandle(PendingInterrupts.class, "mcsr", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int bits;
    private volatile long mcsr;
    /** Set on every raise; cleared by the CPU when it looks at the requests. */
    public volatile boolean attention;
    /** PIR of the owning CPU as doorbells match it (kept in step with the SPR). */
    volatile long pir;
    private volatile Runnable wakeHook;

    public int bits() { return bits; }

    public void set(int bit, boolean on) {
        if (on) {
            BITS.getAndBitwiseOr(this, bit);
            attention = true;
            Runnable h = wakeHook;
            if (h != null) h.run();
        } else {
            BITS.getAndBitwiseAnd(this, ~bit);
        }
    }

    public void raiseMachineCheck(long mcsrBits) {
        MCSR.getAndBitwiseOr(this, mcsrBits);
        set(MACHINE_CHECK, true);
    }

    /** Takes the MCSR bits accumulated since the last machine check was delivered. */
    public long takeMachineCheck() {
        set(MACHINE_CHECK, false);
        return (long) MCSR.getAndSet(this, 0L);
    }

    public void setPir(long pir) { this.pir = pir; }

    /** MCSR bits accumulated for the pending machine check (a snapshot reads them). */
    public long mcsr() { return mcsr; }

    /** Puts the requests back as a snapshot saw them ({@link #bits()}, {@link #mcsr()}). */
    public void restore(int bits, long mcsr) {
        this.mcsr = mcsr;
        this.bits = bits;
        attention = true;
    }

    public void setWakeHook(Runnable hook) { this.wakeHook = hook; }

    /** Runs the wake hook without raising anything: an idle CPU's host must look again (a device deadline moved earlier). */
    public void wake() {
        Runnable h = wakeHook;
        if (h != null) h.run();
    }

    /** CPU reset: events (machine check, doorbells) are dropped; the host's input levels stay. */
    public void resetEvents() {
        BITS.getAndBitwiseAnd(this, ~(MACHINE_CHECK | DOORBELL | DOORBELL_CRITICAL));
        MCSR.getAndSet(this, 0L);
    }
}
