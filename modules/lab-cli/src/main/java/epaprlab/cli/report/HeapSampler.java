package epaprlab.cli.report;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The highest heap use seen while a lab runs, sampled every 50 ms (for the summary's peak-heap-mib). */
public final class HeapSampler implements AutoCloseable {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final AtomicLong peak = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "epapr-lab-heap-sampler");
        t.setDaemon(true);
        return t;
    });

    public HeapSampler() {
        sample();
        timer.scheduleAtFixedRate(this::sample, 50, 50, TimeUnit.MILLISECONDS);
    }

    private void sample() {
        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
    }

    public long peakBytes() {
        sample();
        return peak.get();
    }

    @Override
    public void close() { timer.shutdownNow(); }
}
