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
 * The summary's {@code peak-heap-mib}: the highest heap in use right after a garbage collection
 * while the lab ran, i.e. the peak of live data (an upper bound: an old generation not yet
 * collected still counts). Heap in use at any instant also holds garbage the collector has not
 * reclaimed yet, which says more about the collector's pacing than about the lab. When no
 * collection ran at all, the heap in use at the end is reported.
 */
public final class HeapSampler implements AutoCloseable {
    private final AtomicLong peakAfterGc = new AtomicLong(-1);
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onGc;

    public HeapSampler() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
    }

    private void onGc(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) return;
        var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        long used = 0;
        for (MemoryUsage u : info.getGcInfo().getMemoryUsageAfterGc().values()) used += u.getUsed();
        // the map also holds non-heap pools (metaspace, code cache): keep only heap by subtracting them
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() != java.lang.management.MemoryType.HEAP) {
                MemoryUsage u = info.getGcInfo().getMemoryUsageAfterGc().get(pool.getName());
                if (u != null) used -= u.getUsed();
            }
        }
        long finalUsed = used;
        peakAfterGc.accumulateAndGet(finalUsed, Math::max);
    }

    public long peakBytes() {
        long peak = peakAfterGc.get();
        return peak >= 0 ? peak : ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Override
    public void close() {
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(listener);
            } catch (ListenerNotFoundException ignored) {
                // already gone
            }
        }
    }
}
