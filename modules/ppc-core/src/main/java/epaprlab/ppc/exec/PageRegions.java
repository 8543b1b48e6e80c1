package epaprlab.ppc.exec;

/**
 * One vCPU's region bookkeeping per page of RAM: the regions it found or asked for there, and
 * how often they were found stale (code rewritten). Both tables are allocated when the first
 * region is asked for or found stale: a vCPU whose code never got hot (an idle guest) pays
 * nothing for them. Owned by one vCPU thread.
 */
final class PageRegions {
    private final int pages;
    /** Per page: the regions known there (a few), or null; null as a whole until the first one. */
    private RegionCache.Entry[][] known;
    /** Per page: regions found stale there; null until the first one. */
    private int[] churn;

    PageRegions(int pages) { this.pages = pages; }

    /** The regions known in page {@code pn}, or null. */
    RegionCache.Entry[] known(int pn) {
        final RegionCache.Entry[][] k = known;
        return k == null ? null : k[pn];
    }

    void setKnown(int pn, RegionCache.Entry[] entries) {
        if (known == null) known = new RegionCache.Entry[pages][];
        known[pn] = entries;
    }

    /** Regions found stale in page {@code pn} so far. */
    int churn(int pn) {
        final int[] c = churn;
        return c == null ? 0 : c[pn];
    }

    void countStale(int pn) {
        if (churn == null) churn = new int[pages];
        churn[pn]++;
    }

    void clear() {
        known = null;
        churn = null;
    }
}
