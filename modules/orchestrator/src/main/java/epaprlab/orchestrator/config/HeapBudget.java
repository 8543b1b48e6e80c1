package epaprlab.orchestrator.config;

import com.typesafe.config.ConfigOrigin;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What a lab may ask of the JVM's heap. Guest RAM and console buffers live on the heap, so a
 * lab whose running VMs cannot fit would end in an OutOfMemoryError half-way; the loader refuses
 * it instead, naming the key to change. The per-VM figures are measured upper bounds (an idle
 * 256 KiB guest takes about 350 KiB of heap in all, see the README's "Performance").
 *
 * @param maxHeapBytes the heap the JVM may grow to ({@link Runtime#maxMemory()})
 */
public record HeapBudget(long maxHeapBytes) {
    /** Kept for the actor system, the JIT's data, the reports and the out-of-memory cushion. */
    static final long BASE_BYTES = 96L << 20;
    /** Each VM of a lab, running or not: its config, its result, its name in every table. */
    static final long PER_LAB_VM_BYTES = 8L << 10;
    /** Each running VM besides its RAM and console: engine caches, actors, mailboxes. */
    static final long PER_RUNNING_VM_BYTES = 256L << 10;

    /**
     * This JVM's max heap; with {@code -Depaprlab.heap-check=off} an unlimited budget (the checks
     * are skipped: a VM whose RAM then cannot be had ends as crashed, "not enough heap").
     */
    public static HeapBudget ofThisJvm() {
        return "off".equals(System.getProperty("epaprlab.heap-check")) ? new HeapBudget(Long.MAX_VALUE)
                : new HeapBudget(Runtime.getRuntime().maxMemory());
    }

    /** The heap a lab's VMs may use. */
    public long usableBytes() {
        return Math.max(0, maxHeapBytes - BASE_BYTES);
    }

    /** The most VMs whose bookkeeping alone fits. */
    long mostVms() {
        return usableBytes() / PER_LAB_VM_BYTES;
    }

    /** Heap one running VM needs: RAM, both console queues, the line buffer and the engine's share. */
    static long footprint(VmConfig vm) {
        return vm.board().ramBytes() + 2L * vm.board().consoleBuffer() + vm.consoleMaxLine() + PER_RUNNING_VM_BYTES;
    }

    /** Null when one VM of {@code ramBytes} (and console sizes) fits, else why not. */
    String checkOne(long ramBytes, long consoleBytes) {
        long need = ramBytes + consoleBytes + PER_RUNNING_VM_BYTES + PER_LAB_VM_BYTES;
        if (need <= usableBytes()) return null;
        return "a VM with %s of RAM needs about %s of heap, but this JVM may give VMs only %s (max heap %s less %s for the lab itself): "
                .formatted(mib(ramBytes), mib(need), mib(usableBytes()), mib(maxHeapBytes), mib(BASE_BYTES))
                + "lower the RAM or raise the heap (EPAPR_LAB_JAVA_OPTS=-Xmx...)";
    }

    /**
     * Refuses a lab whose {@code concurrency} largest VMs together with every VM's bookkeeping do
     * not fit; the error names {@code key} at {@code at} and the concurrency that would fit.
     */
    void checkLab(List<VmConfig> vms, int concurrency, ConfigOrigin at, String key) throws ConfigProblem {
        long[] largest = vms.stream().mapToLong(HeapBudget::footprint).boxed()
                .sorted(Comparator.reverseOrder()).limit(concurrency).mapToLong(Long::longValue).toArray();
        long need = (long) vms.size() * PER_LAB_VM_BYTES;
        int fits = 0;
        for (long f : largest) {
            if (need + f > usableBytes()) break;
            need += f;
            fits++;
        }
        if (fits == largest.length) return;
        long total = (long) vms.size() * PER_LAB_VM_BYTES;
        for (long f : largest) total += f;
        throw new ConfigProblem.BadValue(at, key, ("%d VMs at once need about %s of heap, but this JVM may give VMs only %s "
                + "(max heap %s less %s for the lab itself): %s or raise the heap (EPAPR_LAB_JAVA_OPTS=-Xmx...)")
                .formatted(largest.length, mib(total), mib(usableBytes()), mib(maxHeapBytes), mib(BASE_BYTES),
                        fits == 0 ? "lower the VMs' RAM" : "set lab.concurrency to at most " + fits));
    }

    static String mib(long bytes) {
        return bytes >= 1L << 30 && bytes % (1L << 30) == 0 ? (bytes >> 30) + " GiB"
                : String.format(Locale.ROOT, "%,d MiB", (bytes + (1L << 20) - 1) >> 20);
    }
}
