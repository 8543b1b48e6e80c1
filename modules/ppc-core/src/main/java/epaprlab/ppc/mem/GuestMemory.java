package epaprlab.ppc.mem;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Guest physical RAM from address 0, as 4 KiB pages, copy-on-write over a {@link MemoryImage}.
 *
 * <p>Two page tables, mutated in place and never replaced (the engine keeps references to them):
 * the read table, never null (the shared zero page, the image's page, or a page this memory
 * owns), and the write table, non-null only for an owned page that is not watched as code. A
 * page this memory has not written is the image's (or the zero page), shared with every memory
 * made from the same image; its first write copies it under {@link #lock} and charges the
 * {@link PageBudget}. So an engine load is one page-table load, and an engine store finds a
 * non-null write page or takes the slow path ({@link #makeWritable}, then {@link #codeTouched}).
 *
 * <p>The typed accessors are for the host (boot code, devices, hypercall buffers) and throw
 * {@link MemoryFault} outside RAM or {@link PageBudgetExceeded} when the budget refuses a page.
 * The interpreter checks bounds itself and turns a bad guest access into an architected storage
 * interrupt instead.
 */
public final class GuestMemory {
    private static final VarHandle U16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle U32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle U64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle PAGE = MethodHandles.arrayElementVarHandle(byte[][].class);
    private static final VarHandle GEN = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle LINES = MethodHandles.arrayElementVarHandle(long[].class);

    /** Page size of the memory (and of the engine's predecode cache). */
    public static final int PAGE_SHIFT = 12;
    public static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    public static final int PAGE_MASK = PAGE_SIZE - 1;

    /** The page every never-written page reads from; nobody writes it. */
    static final byte[] ZERO_PAGE = new byte[PAGE_SIZE];

    /**
     * The most RAM a memory can have: 64 GiB, the e500's 36-bit physical address space (page
     * numbers then fit an {@code int} and each page table holds 16 M entries).
     */
    public static final long MAX_SIZE = 1L << 36;

    private final long size;
    private final byte[][] read;
    private final byte[][] write;
    /** Serialises page copies, watch marks, budget changes (never held while touching the budget's owner). */
    private final Object lock = new Object();
    /** What unowned pages show; a page is owned when {@code read[pn] != base.pages[pn]}. Under {@link #lock}. */
    private MemoryImage base;
    private int owned;
    private PageBudget budget = PageBudget.UNLIMITED;
    /**
     * Per page: bit 0 set once watched as code; each change of a watched page adds 2. Null until
     * the first {@link #watchCode} (most memories never need it).
     */
    private volatile int[] codeGen;
    /**
     * Per watched page: bit j set when its 64-byte line j holds translated code. A write over no
     * such line (data sharing the page with code) moves no generation on. Allocated with
     * {@link #codeGen}; bits are only ever added (until the memory is reset to all zeros: never).
     */
    private volatile long[] codeLines;

    /**
     * Moves on at every {@link #watchCode}, after the lines it adds are visible: a region that
     * cached a page's watched lines ({@link #codeLines}) with the epoch read before them may
     * write beside those lines without asking again while the epoch is the same.
     */
    private volatile int codeEpoch;

    /** The 64-byte code-watch lines of a page, by bit. */
    public static final int LINE_SHIFT = 6;

    /** {@code sizeBytes} of zeros: every page the shared zero page. */
    public GuestMemory(long sizeBytes) {
        this(new MemoryImage(sizeBytes));
    }

    /** Copy-on-write over {@code base}: reads show it, the first write to a page copies that page. */
    public GuestMemory(MemoryImage base) {
        this.size = base.size();
        this.read = base.pages.clone();
        this.write = new byte[read.length][];
        this.base = base;
    }

    static void checkSize(long sizeBytes) {
        if (sizeBytes <= 0 || (sizeBytes & PAGE_MASK) != 0 || sizeBytes > MAX_SIZE) {
            throw new IllegalArgumentException("guest RAM must be a positive multiple of 4 KiB up to 64 GiB, got " + sizeBytes);
        }
    }

    // ---- whole-memory operations (no vCPU of this RAM runs) ------------------------------------

    /**
     * Freezes the current contents into an immutable image in O(pages), copying no page: the
     * pages this memory owns become the image's, and this memory carries on copy-on-write over
     * it (their budget is given back). Call only while no vCPU of this RAM runs.
     */
    public MemoryImage snapshot() {
        synchronized (lock) {
            MemoryImage image = new MemoryImage(size, read.clone());
            Arrays.fill(write, null);
            base = image;
            disown();
            return image;
        }
    }

    /**
     * Back to exactly {@code base} (same size): drops this memory's pages and gives their budget
     * back, in O(pages). Page tables are mutated in place. Call only while no vCPU runs.
     */
    public void resetTo(MemoryImage base) {
        if (base.size() != size) {
            throw new IllegalArgumentException("cannot reset %d bytes of RAM to an image of %d bytes".formatted(size, base.size()));
        }
        synchronized (lock) {
            System.arraycopy(base.pages, 0, read, 0, read.length);
            Arrays.fill(write, null);
            this.base = base;
            disown();
            int[] g = codeGen;
            if (g != null) for (int pn = 0; pn < g.length; pn++) if ((g[pn] & 1) != 0) GEN.getAndAdd(g, pn, 2);
        }
    }

    /** Gives back every page this memory owns (it then reads as its image again). No vCPU may run. */
    public void release() {
        synchronized (lock) { resetTo(base); }
    }

    private void disown() {
        if (owned > 0) budget.give(owned);
        owned = 0;
    }

    /** Bytes of the pages this memory owns (written since creation, snapshot or reset). */
    public long privateBytes() {
        synchronized (lock) { return (long) owned << PAGE_SHIFT; }
    }

    /**
     * From now on pages made private are charged to {@code b}; the pages already owned move to it
     * (given back to the old budget, taken from the new one).
     *
     * @throws PageBudgetExceeded when {@code b} has no room for the pages already owned
     */
    public void setPageBudget(PageBudget b) {
        java.util.Objects.requireNonNull(b, "budget");
        synchronized (lock) {
            if (owned > 0) {
                if (!b.take(owned)) throw new PageBudgetExceeded(0, size, owned);
                budget.give(owned);
            }
            budget = b;
        }
    }

    // ---- engine interface ----------------------------------------------------------------------

    private static final Object[] ATOMIC_LOCKS = new Object[256];
    static {
        for (int i = 0; i < ATOMIC_LOCKS.length; i++) ATOMIC_LOCKS[i] = new Object();
    }

    /**
     * Engine use: the lock that serialises store-conditional operations on the 64-byte
     * reservation granule holding {@code pa} (byte-array views have no compare-and-set). One pool
     * for the JVM: a lock is held for one compare and store, so sharing costs nothing measurable.
     */
    public Object atomicLock(long pa) { return ATOMIC_LOCKS[(int) (pa >>> 6) & (ATOMIC_LOCKS.length - 1)]; }

    private java.util.Map<Class<?>, Object> engineShared;

    /**
     * Engine use: the one object of type {@code kind} that the CPUs sharing this RAM share (their
     * doorbell bus, their TLB shootdown domain), made by {@code make} on first use. Kept here so
     * it lives and dies with the RAM.
     */
    public synchronized <T> T engineShared(Class<T> kind, java.util.function.Supplier<T> make) {
        if (engineShared == null) engineShared = new java.util.HashMap<>(4);
        return kind.cast(engineShared.computeIfAbsent(kind, k -> make.get()));
    }

    /** Engine use: the read table (one page per 4 KiB, never null). Read only; never replaced. */
    public byte[][] readTable() { return read; }

    /** Engine use: the write table (null: the store takes {@link #makeWritable}). Read only; never replaced. */
    public byte[][] writeTable() { return write; }

    /**
     * Engine use: the image's page table. A page whose read-table entry differs from its entry
     * here is this memory's own, and its read-table entry stays the same array until the next
     * {@link #snapshot}/{@link #resetTo}, which replace this table and run while no vCPU does.
     */
    public byte[][] imageTable() { return base.pages; }

    /**
     * Engine use: makes every page of [pa, pa+len) (inside RAM) owned, copying the ones shared
     * with the image, all or none. Returns how many pages were copied (their read-table entries
     * changed), or -1 when the budget refused (nothing changed). Afterwards the read table holds
     * the pages to write into until the next snapshot or reset.
     */
    public int makeWritable(long pa, long len) {
        return own((int) (pa >>> PAGE_SHIFT), (int) ((pa + len - 1) >>> PAGE_SHIFT), -1);
    }

    /** Engine use: {@link #makeWritable} for the pages holding {@code pa} and {@code pb} (an access over two translated pages). */
    public int makeBothWritable(long pa, long pb) {
        int a = (int) (pa >>> PAGE_SHIFT), b = (int) (pb >>> PAGE_SHIFT);
        return a == b ? own(a, a, -1) : own(a, a, b);
    }

    /** Owns pages first..last and {@code other} (-1: none), all or none: pages copied, or -1. */
    private int own(int first, int last, int other) {
        if (ownedAlready(first, last, other)) return 0;
        synchronized (lock) {
            byte[][] shared = base.pages;
            int need = other >= 0 && read[other] == shared[other] ? 1 : 0;
            for (int pn = first; pn <= last; pn++) if (read[pn] == shared[pn]) need++;
            if (need > 0 && !budget.take(need)) return -1;
            owned += need;
            for (int pn = first; pn <= last; pn++) ownPage(pn, shared);
            if (other >= 0) ownPage(other, shared);
            return need;
        }
    }

    /**
     * True when every page of the access is this RAM's own already: the common case of a store into
     * a page watched as code (data sharing a page with code), answered without the lock. A page
     * once owned stays owned until snapshot/resetTo/release, which run while no vCPU does.
     */
    private boolean ownedAlready(int first, int last, int other) {
        byte[][] shared = base.pages;
        if (other >= 0 && PAGE.getAcquire(read, other) == shared[other]) return false;
        for (int pn = first; pn <= last; pn++) if (PAGE.getAcquire(read, pn) == shared[pn]) return false;
        return true;
    }

    private void ownPage(int pn, byte[][] shared) {
        byte[] p = read[pn];
        if (p == shared[pn]) {
            p = p == ZERO_PAGE ? new byte[PAGE_SIZE] : p.clone();
            PAGE.setRelease(read, pn, p);                // published whole: readers see the copy's bytes
        }
        int[] g = codeGen;
        if (g == null || (g[pn] & 1) == 0) PAGE.setRelease(write, pn, p);
    }

    /**
     * Engine use, after a write to [pa, pa+len): the code generation of each watched page of the
     * range moves on; true when there was one.
     */
    public boolean codeTouched(long pa, long len) {
        int[] g = codeGen;
        if (g == null) return false;
        long[] lines = codeLines;
        boolean any = false;
        long end = pa + len;
        for (int pn = (int) (pa >>> PAGE_SHIFT), last = (int) ((end - 1) >>> PAGE_SHIFT); pn <= last; pn++) {
            if (((int) GEN.getAcquire(g, pn) & 1) != 0 && ((long) LINES.getAcquire(lines, pn) & linesOf(pn, pa, end)) != 0) {
                GEN.getAndAdd(g, pn, 2);
                any = true;
            }
        }
        return any;
    }

    /** The bits of the 64-byte lines of page {@code pn} that [from, to) overlaps. */
    private static long linesOf(int pn, long from, long to) {
        long page = (long) pn << PAGE_SHIFT;
        int first = (int) (Math.max(from, page) - page) >>> LINE_SHIFT;
        int last = (int) (Math.min(to, page + PAGE_SIZE) - 1 - page) >>> LINE_SHIFT;
        return (-1L << first) & (-1L >>> (63 - last));
    }

    /**
     * Engine use: the page to write [pa, pa+len) into directly, when it lies inside one page this
     * memory owns and over no line watched as code (data beside code in a watched page: nothing to
     * copy, no generation to move on); else null (the caller takes {@link #makeWritable} and
     * {@link #codeTouched}). Lock-free: ownership and watched lines only grow while vCPUs run.
     */
    public byte[] dataPage(long pa, int len) {
        int pn = (int) (pa >>> PAGE_SHIFT), off = (int) pa & PAGE_MASK;
        if (off > PAGE_SIZE - len) return null;
        byte[] p = (byte[]) PAGE.getAcquire(read, pn);
        if (p == base.pages[pn]) return null;
        long[] lines = codeLines;
        // the access's lines inline, not by linesOf: a region's store beside code comes here,
        // and the JIT, past its inlining budget in the region's method, left that a call
        long mine = (-1L << (off >>> LINE_SHIFT)) & (-1L >>> (63 - ((off + len - 1) >>> LINE_SHIFT)));
        if (lines != null && ((long) LINES.getAcquire(lines, pn) & mine) != 0) return null;
        return p;
    }

    /** Engine use: true when page {@code pn} reads as the shared zero page (a dcbz there changes nothing). */
    public boolean isZeroPage(int pn) { return read[pn] == ZERO_PAGE; }

    /**
     * Engine only, for the region translator (per-page write tracking of translated code): marks
     * page {@code pn} as holding translated code and returns its code generation. From now on
     * every store to it takes the engine's slow path.
     */
    public int watchCode(int pn) {
        return watchCode(pn, -1L);
    }

    /**
     * {@link #watchCode(int)} for the 64-byte lines of page {@code pn} set in {@code lines} (bit j:
     * bytes 64j..64j+63): only writes over a watched line move the generation on. Call it before
     * comparing the words that must not change; lines add up over calls.
     */
    public int watchCode(int pn, long lines) {
        synchronized (lock) {
            int[] g = codeGen;
            if (g == null) {
                codeLines = new long[read.length];         // before codeGen: a reader that sees codeGen sees it
                codeGen = g = new int[read.length];
            }
            long[] l = codeLines;
            LINES.setRelease(l, pn, (long) LINES.getAcquire(l, pn) | lines);
            codeEpoch++;                                   // after the lines: see codeLines
            int gen = (int) GEN.getAcquire(g, pn) | 1;
            GEN.setRelease(g, pn, gen);
            PAGE.setRelease(write, pn, null);
            VarHandle.fullFence();                         // the marks before the caller reads the words
            return gen;
        }
    }

    /** Engine use: the count of {@link #watchCode} calls so far (read it before {@link #codeLines}). */
    public int codeEpoch() { return codeEpoch; }

    /**
     * Engine use: the watched 64-byte lines of page {@code pn} (bit j: bytes 64j..64j+63; 0 when
     * none), at least those of every {@link #watchCode} counted by a {@link #codeEpoch} read
     * before. A page this memory owns may be written directly beside them (as {@link #dataPage}
     * does) until the epoch moves on.
     */
    public long codeLines(int pn) {
        long[] l = codeLines;
        return l == null ? 0 : (long) LINES.getAcquire(l, pn);
    }

    /**
     * The code generation of page {@code pn}: it changes whenever a byte of the page may have
     * changed after {@link #watchCode} (engine store from any vCPU, host write, dcbz, reset).
     */
    public int codeGeneration(int pn) {
        int[] g = codeGen;
        return g == null ? 0 : (int) GEN.getAcquire(g, pn);
    }

    /** Engine use: the big-endian value of {@code len} bytes at {@code pa} in RAM (may cross a page), zero-extended. */
    public long readRam(long pa, int len) {
        int off = (int) pa & PAGE_MASK;
        byte[] p = read[(int) (pa >>> PAGE_SHIFT)];
        if (off <= PAGE_SIZE - len) {
            return switch (len) {
                case 1 -> p[off] & 0xFF;
                case 2 -> (short) U16.get(p, off) & 0xFFFF;
                case 4 -> (int) U32.get(p, off) & 0xFFFFFFFFL;
                default -> (long) U64.get(p, off);
            };
        }
        long v = 0;
        for (int k = 0; k < len; k++) v = (v << 8) | (read[(int) ((pa + k) >>> PAGE_SHIFT)][(int) (pa + k) & PAGE_MASK] & 0xFF);
        return v;
    }

    /**
     * Engine use: stores the low {@code len} bytes of {@code v} big-endian at {@code pa} (may
     * cross a page) into pages made writable by {@link #makeWritable}.
     */
    public void writeRam(long pa, int len, long v) {
        int off = (int) pa & PAGE_MASK;
        if (off <= PAGE_SIZE - len) {
            writePage(read[(int) (pa >>> PAGE_SHIFT)], off, len, v);
            return;
        }
        for (int k = 0; k < len; k++) read[(int) ((pa + k) >>> PAGE_SHIFT)][(int) (pa + k) & PAGE_MASK] = (byte) (v >>> (8 * (len - 1 - k)));
    }

    /** Engine use: stores the low {@code len} bytes of {@code v} big-endian at {@code off} of a write page. */
    public static void writePage(byte[] page, int off, int len, long v) {
        switch (len) {
            case 1 -> page[off] = (byte) v;
            case 2 -> U16.set(page, off, (short) v);
            case 4 -> U32.set(page, off, (int) v);
            default -> U64.set(page, off, v);
        }
    }

    // ---- host accessors ------------------------------------------------------------------------

    /** Number of 4 KiB pages. */
    public int pages() { return read.length; }

    public long size() { return size; }

    /** True when [pa, pa+len) lies inside RAM. */
    public boolean contains(long pa, long len) {
        return pa >= 0 && len >= 0 && pa <= size - len;
    }

    public int load8(long pa) { check(pa, 1); return (int) readRam(pa, 1); }
    public int load16(long pa) { check(pa, 2); return (int) readRam(pa, 2); }
    public int load32(long pa) { check(pa, 4); return (int) readRam(pa, 4); }
    public long load64(long pa) { check(pa, 8); return readRam(pa, 8); }

    public void store8(long pa, int v) { store(pa, 1, v); }
    public void store16(long pa, int v) { store(pa, 2, v); }
    public void store32(long pa, int v) { store(pa, 4, v); }
    public void store64(long pa, long v) { store(pa, 8, v); }

    private void store(long pa, int len, long v) {
        check(pa, len);
        writable(pa, len);
        writeRam(pa, len, v);
        codeTouched(pa, len);
    }

    /** Copies {@code len} bytes of {@code src} from {@code off} into RAM at {@code pa}. */
    public void write(long pa, byte[] src, int off, int len) {
        check(pa, len);
        if (len == 0) return;
        writable(pa, len);
        for (int done = 0; done < len; ) {
            long a = pa + done;
            int n = Math.min(len - done, PAGE_SIZE - ((int) a & PAGE_MASK));
            System.arraycopy(src, off + done, read[(int) (a >>> PAGE_SHIFT)], (int) a & PAGE_MASK, n);
            done += n;
        }
        codeTouched(pa, len);
    }

    /** Copies {@code len} bytes of RAM at {@code pa} into {@code dst} at {@code off}. */
    public void read(long pa, byte[] dst, int off, int len) {
        check(pa, len);
        for (int done = 0; done < len; ) {
            long a = pa + done;
            int n = Math.min(len - done, PAGE_SIZE - ((int) a & PAGE_MASK));
            System.arraycopy(read[(int) (a >>> PAGE_SHIFT)], (int) a & PAGE_MASK, dst, off + done, n);
            done += n;
        }
    }

    /** Sets [pa, pa+len) to zero. Pages that are the zero page stay shared. */
    public void zero(long pa, long len) {
        check(pa, len);
        if (len == 0) return;
        int first = (int) (pa >>> PAGE_SHIFT), last = (int) ((pa + len - 1) >>> PAGE_SHIFT);
        int from = first;
        while (from <= last && read[from] == ZERO_PAGE) from++;
        int to = last;
        while (to >= from && read[to] == ZERO_PAGE) to--;
        if (from > to) return;
        long a = Math.max(pa, (long) from << PAGE_SHIFT), end = Math.min(pa + len, (long) (to + 1) << PAGE_SHIFT);
        writable(a, end - a);
        for (long p = a; p < end; ) {
            int n = (int) Math.min(end - p, PAGE_SIZE - ((int) p & PAGE_MASK));
            Arrays.fill(read[(int) (p >>> PAGE_SHIFT)], (int) p & PAGE_MASK, ((int) p & PAGE_MASK) + n, (byte) 0);
            p += n;
        }
        codeTouched(a, end - a);
    }

    /** Sets all of RAM to zero (power-on state): every page the zero page again, owned pages given back. */
    public void clear() {
        resetTo(new MemoryImage(size));
    }

    private void writable(long pa, long len) {
        if (makeWritable(pa, len) < 0) {
            int need = 0;
            synchronized (lock) {
                for (long p = pa & ~(long) PAGE_MASK; p < pa + len; p += PAGE_SIZE) {
                    int pn = (int) (p >>> PAGE_SHIFT);
                    if (read[pn] == base.pages[pn]) need++;
                }
            }
            throw new PageBudgetExceeded(pa, len, need);
        }
    }

    private void check(long pa, long len) {
        if (!contains(pa, len)) throw new MemoryFault(pa, len, size);
    }
}
