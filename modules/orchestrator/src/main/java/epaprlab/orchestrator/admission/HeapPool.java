package epaprlab.orchestrator.admission;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap a lab's VMs may use, as one pool of bytes that two kinds of charge draw from: a VM's
 * up-front charge ({@link #tryReserve}, given back when it ends) and, one page at a time, the
 * guest RAM it makes private by writing it ({@link #take}, the copy-on-write page budget). So
 * a lab of mostly idle guests is charged for the pages they really wrote, not for the RAM they
 * were configured with, and still no VM can make the JVM run out of heap: a page the pool
 * cannot give stops that VM (its host ran out of memory), never the process. Thread-safe: pages
 * are taken on vCPU threads.
 */
public final class HeapPool {
    public static final int PAGE_BYTES = 4096;

    private final long capacity;
    private final AtomicLong free;

    /** A pool of {@code capacityBytes}. */
    public HeapPool(long capacityBytes) {
        if (capacityBytes < 0) throw new IllegalArgumentException("negative pool: " + capacityBytes);
        this.capacity = capacityBytes;
        this.free = new AtomicLong(capacityBytes);
    }

    /** The pool's size. */
    public long capacity() { return capacity; }

    /** Bytes not charged to any VM now. */
    public long free() { return free.get(); }

    /** Bytes charged now (up-front charges and private pages). */
    public long used() { return capacity - free.get(); }

    /**
     * Charges {@code bytes} if at least {@code keepFree} bytes stay free afterwards; false (and
     * nothing charged) otherwise.
     */
    public boolean tryReserve(long bytes, long keepFree) {
        while (true) {
            long f = free.get();
            if (f - bytes < keepFree) return false;
            if (free.compareAndSet(f, f - bytes)) return true;
        }
    }

    /**
     * Charges {@code bytes} that are in use already (a snapshot's pages), even past the pool's
     * size: the VMs that ask next then wait. Given back with {@link #release}.
     */
    public void force(long bytes) {
        free.addAndGet(-bytes);
    }

    /** Gives back {@code bytes} charged by {@link #tryReserve}, {@link #force} or {@link #take}. */
    public void release(long bytes) {
        free.addAndGet(bytes);
    }

    /** Charges {@code pages} pages of guest RAM; false when the pool has not that much left. */
    public boolean take(int pages) {
        return tryReserve((long) pages * PAGE_BYTES, 0);
    }

    /** Gives back {@code pages} pages taken by {@link #take}. */
    public void give(int pages) {
        release((long) pages * PAGE_BYTES);
    }
}
