package epaprlab.ppc.exec;

import epaprlab.ppc.mem.GuestMemory;

/**
 * One vCPU's predecoded blocks by physical start address: an open-addressing table (linear
 * probing, at most half full) that grows with the blocks actually decoded. An idle guest runs
 * a few dozen blocks spread over a few pages; a table of one {@code Block[1024]} per touched page
 * cost it 4 KiB a page, this one a few hundred bytes in all. The dispatcher's lookup
 * ({@link #next}) first tries the block that followed the last one it found (87 % of the short
 * suite's lookups hit there), else hashes; it allocates nothing.
 *
 * <p>Entries are keyed by {@link Block#pa}; removal shifts the entries that follow back, so no
 * tombstones accumulate however often code is rewritten. Owned by one vCPU thread, except a
 * {@link #frozenCopy()}: that one is never changed, and other vCPUs may read it from any thread
 * (its blocks' addresses, ops and words are final; their successor guesses are their vCPU's).
 */
public final class BlockIndex {
    private static final int MIN_SLOTS = 16;

    private Block[] slots = new Block[MIN_SLOTS];
    private int size;

    /** The block {@link #next} returned or {@link #put} added last, never a removed one; null after {@link #clear}. */
    private Block last;

    /**
     * The block starting at physical address {@code pa}, or null, for the dispatcher: first the
     * block that followed the one it returned last ({@link Block#next}; a block is mostly followed
     * by the same block), else looked up and remembered as that one's successor.
     */
    Block next(long pa) {
        final Block prev = last;
        if (prev != null) {
            final Block guess = prev.next;
            if (guess != null && guess.pa == pa && guess.next != Block.GONE) {
                last = guess;
                return guess;
            }
        }
        final Block b = get(pa);
        if (b != null) follow(b);
        return b;
    }

    /** The block starting at physical address {@code pa}, or null. */
    Block get(long pa) {
        final Block[] t = slots;
        final int m = t.length - 1;
        for (int i = slot(pa, m); ; i = (i + 1) & m) {
            final Block b = t[i];
            if (b == null || b.pa == pa) return b;
        }
    }

    /** Adds {@code b} at its address, replacing the block there if any. */
    void put(Block b) {
        if (2 * (size + 1) > slots.length) grow();
        final Block[] t = slots;
        final int m = t.length - 1;
        int i = slot(b.pa, m);
        while (t[i] != null) {
            if (t[i].pa == b.pa) {
                forget(t[i]);
                t[i] = b;
                follow(b);
                return;
            }
            i = (i + 1) & m;
        }
        t[i] = b;
        size++;
        follow(b);
    }

    /** A successor guess that still names {@code b} must not return it; nothing links to it from now on. */
    private void forget(Block b) {
        b.next = Block.GONE;
        if (b == last) last = null;
    }

    /** {@code b} becomes the successor of the block returned last, and the block returned last. */
    private void follow(Block b) {
        if (last != null) last.next = b;
        last = b;
    }

    /** Forgets the block at {@code pa}, if any. */
    void remove(long pa) {
        final Block[] t = slots;
        final int m = t.length - 1;
        int hole = slot(pa, m);
        while (true) {
            final Block b = t[hole];
            if (b == null) return;
            if (b.pa == pa) {
                forget(b);
                break;
            }
            hole = (hole + 1) & m;
        }
        // backward shift: move up every later entry of the run whose home is not between the hole and it
        for (int j = (hole + 1) & m; t[j] != null; j = (j + 1) & m) {
            final int home = slot(t[j].pa, m);
            final boolean stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (!stays) {
                t[hole] = t[j];
                hole = j;
            }
        }
        t[hole] = null;
        size--;
    }

    /** Forgets every block and gives back the table's memory. */
    void clear() {
        slots = new Block[MIN_SLOTS];
        size = 0;
        last = null;            // no block decoded from now on links to one forgotten here
    }

    int size() { return size; }

    /**
     * A copy that nobody changes, for the vCPUs restored from a snapshot of this one: they take
     * its blocks' decoded ops and words instead of allocating their own (see {@link Block#decode}).
     */
    BlockIndex frozenCopy() {
        BlockIndex copy = new BlockIndex();
        copy.slots = slots.clone();
        copy.size = size;
        return copy;
    }

    private void grow() {
        final Block[] old = slots;
        final Block[] t = new Block[old.length * 2];
        final int m = t.length - 1;
        for (Block b : old) {
            if (b == null) continue;
            int i = slot(b.pa, m);
            while (t[i] != null) i = (i + 1) & m;
            t[i] = b;
        }
        slots = t;
    }

    /**
     * Home slot: the word address times 2^64 divided by the golden ratio, its top bits as many as
     * the table has (Fibonacci hashing). Consecutive and equally spaced block starts land far
     * apart. The former home, word offset plus page number times a constant, kept each page's
     * starts in one stretch of slots: a Linux kernel's dense code pages merged into runs of
     * over a thousand slots, and a lookup in its SHA-3 loop probed up to 1,300 of them.
     */
    static int slot(long pa, int mask) {
        return (int) (((pa >>> 2) * 0x9E3779B97F4A7C15L) >>> Long.numberOfLeadingZeros(mask));
    }

    /** The longest run of occupied slots (every lookup that lands in it may probe to its end); for tests. */
    int longestRun() {
        final Block[] t = slots;
        int longest = 0, run = 0;
        for (int k = 0; k < 2 * t.length; k++) {        // twice round: a run may wrap
            run = t[k & (t.length - 1)] == null ? 0 : run + 1;
            longest = Math.max(longest, Math.min(run, t.length));
        }
        return longest;
    }
}
