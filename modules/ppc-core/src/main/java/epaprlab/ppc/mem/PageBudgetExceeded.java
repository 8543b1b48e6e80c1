package epaprlab.ppc.mem;

/**
 * A host write to guest RAM needed pages its {@link PageBudget} refused: nothing was written. The
 * host's failure (it is out of memory for guests), never the guest's.
 */
public final class PageBudgetExceeded extends MemoryFault {
    private final int pages;

    public PageBudgetExceeded(long address, long length, int pages) {
        super(address, "guest physical write 0x%x+%d needs %d new page%s, which the page budget refused"
                .formatted(address, length, pages, pages == 1 ? "" : "s"));
        this.pages = pages;
    }

    /** The pages the write needed. */
    public int pages() { return pages; }
}
