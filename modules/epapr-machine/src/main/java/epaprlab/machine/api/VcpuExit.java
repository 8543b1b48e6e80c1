package epaprlab.machine.api;

/**
 * The exit record of one vCPU: one mutable object reused for every exit, like the mmap'd
 * {@code kvm_run} page, so the exit loop allocates nothing. Only the part named by
 * {@link #reason()} is meaningful after a {@link Vcpu#run(long)}.
 */
public final class VcpuExit {
    private ExitReason reason = ExitReason.INTR;
    private boolean idle;
    private long idleUntilNanos = -1;
    private long timeBase;
    private final Hcall hcall = new Hcall();
    private final InternalError internalError = new InternalError();
    private final SystemEvent systemEvent = new SystemEvent();

    /** One per vCPU, made by the engine when the vCPU is created. */
    public VcpuExit() {}

    public ExitReason reason() { return reason; }

    /** With {@link ExitReason#INTR}: the guest asked to idle (EV_IDLE) until an interrupt. */
    public boolean idle() { return idle; }

    /**
     * With {@link #idle()}: the {@link System#nanoTime()} at which a guest timer makes an interrupt
     * deliverable (wall-clock time), or -1 when only a host interrupt or kick can wake the vCPU.
     * In instruction time an armed timer never idles the vCPU (it is fast-forwarded), so -1.
     */
    public long idleUntilNanos() { return idleUntilNanos; }

    /** With {@link ExitReason#WATCHDOG}: the guest time base at the final expiry. */
    public long timeBase() { return timeBase; }

    public Hcall hcall() { return hcall; }

    public InternalError internalError() { return internalError; }

    /** Details of {@link ExitReason#SYSTEM_EVENT}. */
    public SystemEvent systemEvent() { return systemEvent; }

    /** For engines: starts a new exit of the given reason. */
    public void begin(ExitReason reason, boolean idle) {
        begin(reason, idle, -1);
    }

    /** For engines: an exit with an idle deadline ({@link #idleUntilNanos()}). */
    public void begin(ExitReason reason, boolean idle, long idleUntilNanos) {
        this.reason = reason;
        this.idle = idle;
        this.idleUntilNanos = idleUntilNanos;
    }

    /** For engines: records the time base of a watchdog exit. */
    public void setTimeBase(long timeBase) { this.timeBase = timeBase; }

    /**
     * {@code kvm_run.epapr_hcall}: {@code nr} from r11, {@code args[i]} from r(3+i). The host sets
     * {@code ret} (to r3) and may overwrite {@code args[1..7]} (to r4..r10) before the next run.
     * When the guest was not in 64-bit mode, the upper 32 bits of every field are zero both ways.
     */
    public static final class Hcall {
        public static final int ARGS = 8;
        private long nr;
        private long ret;
        private final long[] args = new long[ARGS];

        private Hcall() {}

        public long nr() { return nr; }
        public long ret() { return ret; }
        public void setRet(long ret) { this.ret = ret; }
        public long arg(int i) { return args[i]; }
        public void setArg(int i, long value) { args[i] = value; }

        /** For engines: sets one input argument. */
        public void loadArg(int i, long value) { args[i] = value; }

        /** For engines: starts a new hypercall exit with token {@code nr}; ret is reset to 0. */
        public void begin(long nr) {
            this.nr = nr;
            this.ret = 0;
        }
    }

    /**
     * Details of {@link ExitReason#INTERNAL_ERROR} ({@code kvm_run.internal}): why the vCPU cannot
     * go on, where it was, and whose fault it is ({@link #suberror()}).
     */
    public static final class InternalError {
        /** {@code kvm_run.internal.suberror}. */
        public enum Suberror {
            /**
             * {@code KVM_INTERNAL_ERROR_EMULATION} (1): the engine failed to execute the instruction
             * at {@link #pc()} (a Java exception, {@link #cause()}): a bug of epapr-lab, never the
             * guest's doing. Nothing was delivered to the guest; the vCPU must not run again.
             */
            EMULATION(1),
            /**
             * Project-private (4096, outside mainline's range, as the hypercall exit): the guest
             * raised an interrupt whose IVOR it never set ({@link #ivor()}), so it cannot go on.
             */
            UNHANDLED_INTERRUPT(4096),
            /**
             * Project-private (4097): the host refused guest RAM (the memory's page budget had no
             * room for a page the store at {@link #pc()} needed). The host's failure, not the
             * guest's: nothing was written, and running the vCPU again retries the instruction.
             */
            HOST_OUT_OF_MEMORY(4097);

            private final int kvmNumber;

            Suberror(int kvmNumber) { this.kvmNumber = kvmNumber; }

            public int kvmNumber() { return kvmNumber; }
        }

        private Suberror suberror = Suberror.UNHANDLED_INTERRUPT;
        private long pc;
        private int insn;
        private int ivor;
        private String description = "";
        private Throwable cause;

        private InternalError() {}

        public Suberror suberror() { return suberror; }
        public long pc() { return pc; }
        public int insn() { return insn; }
        /** With {@link Suberror#UNHANDLED_INTERRUPT}: the IVOR number of the interrupt that had no handler; else -1. */
        public int ivor() { return ivor; }
        public String description() { return description; }
        /** With {@link Suberror#EMULATION}: the exception the engine threw; else null. */
        public Throwable cause() { return cause; }

        /** For engines: an interrupt with no handler ({@link Suberror#UNHANDLED_INTERRUPT}). */
        public void set(long pc, int insn, int ivor, String description) {
            this.suberror = Suberror.UNHANDLED_INTERRUPT;
            this.pc = pc;
            this.insn = insn;
            this.ivor = ivor;
            this.description = description;
            this.cause = null;
        }

        /** For engines: the page budget refused the page a store needed ({@link Suberror#HOST_OUT_OF_MEMORY}). */
        public void setHostOutOfMemory(long pc, int insn, String description) {
            this.suberror = Suberror.HOST_OUT_OF_MEMORY;
            this.pc = pc;
            this.insn = insn;
            this.ivor = -1;
            this.description = description;
            this.cause = null;
        }

        /** For engines: the engine threw while executing {@code insn} at {@code pc} ({@link Suberror#EMULATION}). */
        public void setEmulationFailure(long pc, int insn, Throwable cause) {
            this.suberror = Suberror.EMULATION;
            this.pc = pc;
            this.insn = insn;
            this.ivor = -1;
            this.description = "engine error: " + cause;
            this.cause = cause;
        }
    }

    /**
     * {@code kvm_run.system_event}: what a device of the board asked the whole VM to do, and which
     * device ({@code guts-rstcr}, {@code gpio-poweroff}).
     */
    public static final class SystemEvent {
        /** {@code KVM_SYSTEM_EVENT_*}, with mainline's numbers. */
        public enum Type {
            SHUTDOWN(1), RESET(2);

            private final int kvmNumber;

            Type(int kvmNumber) { this.kvmNumber = kvmNumber; }

            public int kvmNumber() { return kvmNumber; }
        }

        private Type type = Type.SHUTDOWN;
        private String source = "";

        private SystemEvent() {}

        public Type type() { return type; }
        public String source() { return source; }

        /** For engines. */
        public void set(Type type, String source) {
            this.type = type;
            this.source = source;
        }
    }
}
