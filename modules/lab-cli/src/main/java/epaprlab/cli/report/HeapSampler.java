package epaprlab.cli.report;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The summary's {@code peak-heap-mib}: the highest heap the lab's live data needed, measured as
 * heap in use right after each garbage collection, and, whenever no collection has run for a
 * second while the JVM allocates almost nothing (a quiet lab, e.g. idle guests), as heap in use
 * then. Both are upper bounds of live data. Heap in use between collections of a busy lab mostly
 * holds garbage not yet reclaimed, which says more about the collector's pacing than about the
 * lab: a fast lab can run for seconds between collections of a large young generation, so a
 * second without a collection alone does not make a lab quiet.
 */
public final class HeapSampler implements AutoCloseable {
    private final AtomicLong peakAfterGc = new AtomicLong(-1);
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onGc;
    private volatile long lastGcNanos = System.nanoTime();
    /** At most this much allocated (all threads) between two quiet samples, 250 ms apart. */
    private static final long QUIET_ALLOCATION = 8L << 20;
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private long allocatedAtLastLook = threads.getTotalThreadAllocatedBytes();
    /** The heap's memory pools; the after-GC report also lists metaspace and the code cache. */
    private final List<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP).map(p -> p.getName()).toList();
    private final java.util.concurrent.ScheduledExecutorService quietSampler =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "epapr-lab-heap-sampler");
                t.setDaemon(true);
                return t;
            });

    public HeapSampler() {
        quietSampler.scheduleAtFixedRate(() -> {
            long allocated = threads.getTotalThreadAllocatedBytes();
            boolean quiet = allocated - allocatedAtLastLook < QUIET_ALLOCATION;
            allocatedAtLastLook = allocated;
            if (quiet && System.nanoTime() - lastGcNanos > 1_000_000_000L) {
                peakAfterGc.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
            }
        }, 250, 250, java.util.concurrent.TimeUnit.MILLISECONDS);
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
    }

    private void onGc(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) return;
        lastGcNanos = System.nanoTime();
        var afterGc = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo()
                .getMemoryUsageAfterGc();
        long used = 0;
        for (String pool : heapPools) {
            MemoryUsage u = afterGc.get(pool);
            if (u != null) used += u.getUsed();
        }
        peakAfterGc.accumulateAndGet(used, Math::max);
    }

    public long peakBytes() {
        long peak = peakAfterGc.get();
        return peak >= 0 ? peak : ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Override
    public void close() {
        quietSampler.shutdownNow();
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(listener);
            } catch (ListenerNotFoundException ignored) {
                // already gone
            }
        }
    }
}
