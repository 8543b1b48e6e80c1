package epaprlab.orchestrator.admission;

import epaprlab.orchestrator.config.HeapBudget;
import epaprlab.ppc.mem.PageBudget;
import java.util.Locale;

/**
 * What one VM holds of its lab's {@link HeapPool}: its up-front charge and the pages of guest RAM
 * it has made private. It is the VM's page budget: its memory asks it for every page it makes
 * private, and {@link #close} gives everything back when the VM has ended (later gives and takes
 * are ignored and refused), so a VM that dies in any way cannot leak its share of the pool.
 */
public final class VmCharge implements PageBudget {
    private final HeapPool pool;
    private final long upfrontBytes;
    /** Pages taken and not given back; guarded by this. */
    private long pages;
    private boolean closed;
    /** Pages the pool refused (the VM stops on the first). */
    private long refused;
    /** Heap held for the VM besides pages, given back at the end: its snapshot's stored pages. */
    private long held;

    VmCharge(HeapPool pool, long upfrontBytes) {
        this.pool = pool;
        this.upfrontBytes = upfrontBytes;
    }

    /** A VM outside any lab limit (hosts, tests): an unbounded pool of its own. */
    public static VmCharge unlimited() {
        return new VmCharge(new HeapPool(Long.MAX_VALUE / 2), 0);
    }

    @Override
    public synchronized boolean take(int n) {
        if (closed || !pool.take(n)) {
            refused += n;
            return false;
        }
        pages += n;
        return true;
    }

    @Override
    public synchronized void give(int n) {
        if (closed) return;
        int back = (int) Math.min(n, pages);
        pages -= back;
        pool.give(back);
    }

    /**
     * Charges {@code bytes} that are in use already (a snapshot's pages, which its memory gave back
     * when they became the snapshot's image), even past the pool's size: later VMs then wait.
     */
    public synchronized void hold(long bytes) {
        if (closed) return;
        held += bytes;
        pool.force(bytes);
    }

    /** Gives back the up-front charge, every page and everything held; idempotent. */
    public synchronized void close() {
        if (closed) return;
        closed = true;
        pool.give((int) pages);
        pages = 0;
        pool.release(upfrontBytes + held);
    }

    public long upfrontBytes() { return upfrontBytes; }

    /** Bytes of private guest RAM charged now. */
    public synchronized long privateBytes() { return pages * HeapPool.PAGE_BYTES; }

    /** For messages: what this VM holds and what its pool has, in MiB. */
    public synchronized String describe() {
        return String.format(Locale.ROOT, "this VM held %s of written guest RAM and %s up front; the lab's pool of %s had %s free",
                HeapBudget.mib(pages * HeapPool.PAGE_BYTES), HeapBudget.mib(upfrontBytes),
                HeapBudget.mib(pool.capacity()), HeapBudget.mib(pool.free()));
    }
}
