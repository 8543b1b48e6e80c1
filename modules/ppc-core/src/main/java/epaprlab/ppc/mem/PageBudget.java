package epaprlab.ppc.mem;

/**
 * Charged for every page a {@link GuestMemory} makes private (copy-on-write or first write), so a
 * host can bound what its guests may allocate. Thread-safe: the vCPUs of many VMs call it.
 */
public interface PageBudget {
    /** Takes room for {@code pages} 4 KiB pages; false when there is none (the write does not happen). */
    boolean take(int pages);

    /** Gives back {@code pages} pages (a reset, a snapshot, or a memory dropped with {@link GuestMemory#release()}). */
    void give(int pages);

    /** No limit. */
    PageBudget UNLIMITED = new PageBudget() {
        @Override public boolean take(int pages) { return true; }
        @Override public void give(int pages) {}
        @Override public String toString() { return "unlimited"; }
    };
}
