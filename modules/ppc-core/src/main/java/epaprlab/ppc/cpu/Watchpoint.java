package epaprlab.ppc.cpu;

/**
 * A data watchpoint, as a debugger's hardware watchpoint (gdb's {@code Z2}/{@code Z3}/{@code Z4}):
 * guest data accesses that overlap {@code [address, address + length)} in effective addresses, of
 * the given kind, stop the CPU with {@link StopReason#WATCHPOINT} after the accessing instruction
 * has completed.
 */
public record Watchpoint(long address, int length, Kind kind) {
    /** Which accesses trigger it; the bits are KVM's {@code KVMPPC_DEBUG_WATCH_WRITE/READ}. */
    public enum Kind {
        WRITE(1 << 2), READ(1 << 3), ACCESS((1 << 2) | (1 << 3));

        private final int kvmStatus;

        Kind(int kvmStatus) { this.kvmStatus = kvmStatus; }

        /** {@code KVMPPC_DEBUG_WATCH_WRITE} (4), {@code _READ} (8), or both. */
        public int kvmStatus() { return kvmStatus; }

        public boolean triggeredBy(boolean store) { return this == ACCESS || (this == WRITE) == store; }
    }

    public Watchpoint {
        if (length <= 0) throw new IllegalArgumentException("watchpoint length must be positive, got " + length);
        java.util.Objects.requireNonNull(kind, "kind");
    }
}
