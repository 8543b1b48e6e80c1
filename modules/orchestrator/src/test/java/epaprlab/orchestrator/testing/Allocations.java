package epaprlab.orchestrator.testing;

import java.lang.management.ManagementFactory;

/** Bytes the current thread allocates while running some code (the JVM's per-thread counter). */
public final class Allocations {
    private Allocations() {}

    public static long allocatedBy(Runnable work) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(tid);
        work.run();
        return threads.getThreadAllocatedBytes(tid) - before;
    }
}
