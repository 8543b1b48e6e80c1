package epaprlab.orchestrator.config;

import epaprlab.ppc.cpu.EngineProperties;
import java.util.Locale;

/**
 * What a lab may ask of the JVM's heap. The loader refuses a lab whose VMs' bookkeeping alone
 * cannot fit; what running VMs need (console buffers, a fixed share, the guest RAM they write) is
 * charged at run time against {@link #usableBytes()} by {@code admission.Admission}, so a VM that
 * cannot have it waits or ends as {@code host-out-of-memory} instead of the JVM running out of heap.
 *
 * @param maxHeapBytes the heap the JVM may grow to ({@link Runtime#maxMemory()})
 */
public record HeapBudget(long maxHeapBytes) {
    /** Kept for the actor system, the JIT's data, the reports and the out-of-memory cushion. */
    static final long BASE_BYTES = 96L << 20;
    /** Each VM of a lab, running or not: its config, its result, its name in every table. */
    static final long PER_LAB_VM_BYTES = 8L << 10;

    /** {@code -Depaprlab.heap-check=off} turns the heap checks off. */
    public static final EngineProperties.Choice PROPERTY = new EngineProperties.Choice("epaprlab.heap-check", "on", "off");

    /**
     * This JVM's max heap; with {@code -Depaprlab.heap-check=off} an unlimited budget (the checks
     * are skipped: a VM whose RAM then cannot be had ends as host-out-of-memory or crashed).
     */
    public static HeapBudget ofThisJvm() {
        return "off".equals(System.getProperty(PROPERTY.name())) ? new HeapBudget(Long.MAX_VALUE)
                : new HeapBudget(Runtime.getRuntime().maxMemory());
    }

    /**
     * The heap a lab's running VMs may use: the max heap less {@link #BASE_BYTES} and less one
     * eighth, which the garbage collector needs to work in when live data nears the max heap.
     */
    public long usableBytes() {
        return maxHeapBytes == Long.MAX_VALUE ? Long.MAX_VALUE / 2 : Math.max(0, (maxHeapBytes - BASE_BYTES) / 8 * 7);
    }

    /** The most VMs whose bookkeeping alone fits. */
    long mostVms() {
        return maxHeapBytes == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, maxHeapBytes - BASE_BYTES) / PER_LAB_VM_BYTES;
    }

    /** {@code 3 GiB}, {@code 12 MiB}, {@code 3.1 MiB}, {@code 40 KiB} below 1 MiB: as messages show bytes. */
    public static String mib(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) return (bytes >> 30) + " GiB";
        if (bytes < 1L << 20) return String.format(Locale.ROOT, "%,d KiB", (bytes + 1023) >> 10);
        if (bytes % (1L << 20) == 0) return String.format(Locale.ROOT, "%,d MiB", bytes >> 20);
        return String.format(Locale.ROOT, "%,.1f MiB", bytes / (double) (1L << 20));
    }
}
