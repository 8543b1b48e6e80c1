package epaprlab.ppc.exec;

import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.decode.DecodeTable;
import epaprlab.ppc.mem.GuestMemory;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * The JVM-wide cache of translated regions, filled by the background compiler thread that
 * {@link CodeCache} owns. A region's {@link Entry} is shared by every CPU and VM that selects the
 * same {@link RegionCompiler.Plan} (same model, mode, words and page offsets). Bounded like the
 * block cache: at most {@link #capacity()} translated regions; the compiler thread evicts the
 * oldest one not entered since the clock hand last passed (second chance), whose holders then
 * run interpreted and ask again when the code gets hot. The hidden classes are not strongly
 * bound to their loader, so an evicted region's class is unloaded once no frame runs it.
 */
final class RegionCache {
    private RegionCache() {}

    private static volatile int capacity = Integer.getInteger("epaprlab.code-cache-regions", 4_000);
    /**
     * Instructions a region runs (summed over its runs) before it is translated again in the
     * loop-friendly shape ({@link RegionCompiler#defineHot}); short guests' regions stay below it
     * and pay only the count ({@code bench --short}'s kernels run 1-7 M instructions each; at 1 M its
     * CPU time rose by half, the hot forms' translations and JIT work).
     */
    private static volatile int hotInstructions = Integer.getInteger("epaprlab.region-hot-instructions", 50_000_000);
    private static final AtomicReferenceFieldUpdater<Entry, Region> COMPILED =
            AtomicReferenceFieldUpdater.newUpdater(Entry.class, Region.class, "compiled");

    /** One region's translated form. */
    static final class Entry extends SecondChanceClock.Slot<RegionCompiler.Plan> {
        /** What it runs: the plan asked for, or a smaller one when that was too large for the JIT. */
        volatile RegionCompiler.Plan plan;
        /** Null until translated, and again once evicted; the hot translation once it replaced the first. */
        volatile Region compiled;
        /**
         * Instructions left to run before the region counts as hot ({@link #promote}); 0 once
         * asked. Counted down after each run by the CPU that ran it, until then (racy on purpose:
         * a lost count only delays it).
         */
        int heat = hotInstructions;

        private Entry(RegionCompiler.Plan plan) {
            super(plan);
            this.plan = plan;
        }

        @Override void dropCode() {
            compiled = null;
            unpublish(this);
        }
    }

    /** Never translated: the code it is handed to stays interpreted. */
    static final Entry NONE = new Entry(null);
    static { NONE.fail(); }

    private static final ConcurrentHashMap<RegionCompiler.Plan, Entry> ENTRIES = new ConcurrentHashMap<>();
    private static final SecondChanceClock<RegionCompiler.Plan, Entry> CLOCK = new SecondChanceClock<>(ENTRIES);

    /**
     * Translated regions by entry: (model, mode, page word, instruction word there) to the regions
     * with that entry (a few; equal keys are rare and the caller compares the words anyway). Lets
     * a CPU that meets a block for the first time (a new VM, a reset, another vCPU) run the
     * region another CPU already paid for at once instead of interpreting the block up to the
     * compile threshold first.
     */
    private static final ConcurrentHashMap<Long, Entry[]> BY_ENTRY = new ConcurrentHashMap<>();
    private static final int PER_KEY = 4;

    private static long entryKey(boolean has64, boolean cm, int index, int word) {
        return (long) word << 32 | (long) index << 2 | (has64 ? 2 : 0) | (cm ? 1 : 0);
    }

    /** The translated regions with an entry at page word {@code index} holding {@code word}, or null. */
    static Entry[] published(boolean has64, boolean cm, int index, int word) {
        return BY_ENTRY.get(entryKey(has64, cm, index, word));
    }

    private static void publish(Entry e) {
        final RegionCompiler.Plan p = e.plan;
        for (int i : p.entries) {
            final int word = p.words[Arrays.binarySearch(p.index, i)];
            BY_ENTRY.compute(entryKey(p.has64, p.cm, i, word), (k, old) -> {
                if (old == null) return new Entry[] {e};
                if (old.length == PER_KEY) return old;      // crowded: the newcomer stays unpublished
                Entry[] more = Arrays.copyOf(old, old.length + 1);
                more[old.length] = e;
                return more;
            });
        }
    }

    private static void unpublish(Entry e) {
        final RegionCompiler.Plan p = e.plan;
        for (int i : p.entries) {
            final int word = p.words[Arrays.binarySearch(p.index, i)];
            BY_ENTRY.computeIfPresent(entryKey(p.has64, p.cm, i, word), (k, old) -> {
                int n = 0;
                for (Entry o : old) if (o != e) n++;
                if (n == old.length) return old;
                if (n == 0) return null;
                Entry[] fewer = new Entry[n];
                n = 0;
                for (Entry o : old) if (o != e) fewer[n++] = o;
                return fewer;
            });
        }
    }

    static int capacity() { return capacity; }

    static void setCapacity(int regions) {
        if (regions < 1) throw new IllegalArgumentException("region cache capacity must be >= 1, got " + regions);
        capacity = regions;
    }

    static int hotInstructions() { return hotInstructions; }

    /** For regions translated from now on. */
    static void setHotInstructions(int instructions) {
        if (instructions < 1) throw new IllegalArgumentException("region hot threshold (instructions) must be >= 1, got " + instructions);
        hotInstructions = instructions;
    }

    /**
     * Tiering: {@code e} ran {@link #hotInstructions()} instructions; its hot translation is made now
     * ({@code synchronous}) or on the compiler thread, and replaces the first translation in the
     * same entry (same keys, invalidation and code-cache slot; a run of the first one in progress
     * finishes in it). A block the hot form does not enter then gets a region of its own
     * ({@link Region#NOT_ENTERED}). Not when the entry was evicted meanwhile; asked again later when the
     * compiler's queue is full.
     */
    static void promote(DecodeTable table, Entry e, boolean synchronous) {
        final Region first = e.compiled;
        if (first == null) return;
        if (synchronous) {
            retranslate(table, e, first);
        } else if (!CodeCache.submit(() -> retranslate(table, e, first))) {
            e.heat = hotInstructions;
        }
    }

    private static void retranslate(DecodeTable table, Entry e, Region first) {
        final Region hot;
        try {
            hot = hotTranslator.apply(table, e.plan);
        } catch (RuntimeException | LinkageError err) {
            hotFailed(e.plan, err);             // the first translation stays
            return;
        }
        // not warmed (see warm): only long guests get here, and C2, not C1, is what they wait for
        if (hot != null) COMPILED.compareAndSet(e, first, hot);     // not when evicted meanwhile
    }

    /**
     * Calls of a new region's {@code run} on the compiler thread before a CPU gets it, at most
     * ({@link #warm}: fewer once the JIT's code runs it); {@code -Depaprlab.region-warm-calls}.
     * Off (0) by default: with 20,000 no short guest was slower than the interpreter in its first
     * run, but the short suite's process CPU rose by 10-15 % (every region compiled by C1, lukewarm
     * ones too) and coremix's region deoptimisations doubled (ppc-core README).
     */
    private static volatile int warmCalls = Integer.getInteger("epaprlab.region-warm-calls", 0);

    static int warmCalls() { return warmCalls; }

    /** For tests: warm-up calls for regions translated from now on. */
    static void setWarmCalls(int calls) {
        if (calls < 0) throw new IllegalArgumentException("region warm-up calls must be >= 0, got " + calls);
        warmCalls = calls;
    }

    /** A CPU at its event boundary: every region it runs returns at once, with no effect. */
    private static final ThreadLocal<CpuState[]> AT_BOUNDARY = ThreadLocal.withInitial(() -> new CpuState[2]);

    /**
     * Has the JVM compile a new region {@code r} (a first form) before the CPUs run it: a new
     * hidden class's method starts in the JVM's bytecode interpreter, tens of times slower than
     * the interpreter loop it replaces, until its calls reach the JIT's threshold (a few hundred,
     * more when the JIT's queue is long); a short guest's regions spent most of their time there
     * in its first run (bench --short). Called in batches, up to {@link #warmCalls} times, until a
     * batch runs at JIT speed, on a CPU with no room before its event boundary: each call runs
     * only the prologue and the entry check and returns {@link Region#NO_ROOM} without touching
     * anything, but counts towards the JIT's threshold.
     */
    static void warm(Region r, RegionCompiler.Plan p) {
        final int calls = warmCalls;
        if (calls == 0) return;
        final CpuState[] idle = AT_BOUNDARY.get();
        final int k = p.has64 ? 1 : 0;
        CpuState s = idle[k];
        if (s == null) {
            s = idle[k] = new CpuState(p.has64 ? CpuModel.E5500 : CpuModel.E500MC, new GuestMemory(4096));
        }
        s.retired = 0;
        s.limit = 0;
        final int entry = 4 * p.entries[0];
        for (int done = 0; done < calls; done += WARM_BATCH) {
            final long t0 = System.nanoTime();
            for (int i = 0; i < WARM_BATCH; i++) r.run(s, 0, 0, entry);
            // JIT code runs it now: stop, so that the profile C2 reads later is the CPUs' calls
            if (System.nanoTime() - t0 < WARM_BATCH * COMPILED_CALL_NS) return;
        }
    }

    private static final int WARM_BATCH = 64;
    /**
     * Above it a warm-up call is taken to run in the JVM's interpreter (a few hundred ns for the
     * prologue's loads); JIT code takes tens of ns.
     */
    private static final long COMPILED_CALL_NS = 100;

    /** {@link RegionCompiler#defineHot}; tests put a failing one here. */
    static volatile java.util.function.BiFunction<DecodeTable, RegionCompiler.Plan, Region> hotTranslator = RegionCompiler::defineHot;

    /** Hot translations that threw (a translator or host failure): counted and logged, never silent. */
    private static final AtomicLong HOT_FAILURES = new AtomicLong();
    private static final System.Logger LOG = System.getLogger(RegionCache.class.getName());

    private static void hotFailed(RegionCompiler.Plan p, Throwable err) {
        HOT_FAILURES.incrementAndGet();
        LOG.log(System.Logger.Level.WARNING, () -> "hot translation of the region at page word " + p.start + " (" + p.length()
                + " instructions) failed; its first translation stays", err);
    }

    /** Hot translations that threw since the JVM started (each one logged). */
    static long hotFailures() { return HOT_FAILURES.get(); }

    static int size() { return CLOCK.size(); }

    static long evictedCount() { return CLOCK.evictedCount(); }

    /** The live entry for {@code plan} (translated or on its way), or null. */
    static Entry find(RegionCompiler.Plan plan) {
        Entry e = ENTRIES.get(plan);
        return e != null && !e.dead ? e : null;
    }

    /**
     * The entry for {@code plan}: the shared one when it exists, else a new one translated now
     * ({@code synchronous}) or queued for the compiler thread. Null when the queue is full.
     */
    static Entry request(DecodeTable table, RegionCompiler.Plan plan, boolean synchronous) {
        Entry e = ENTRIES.get(plan);
        if (e != null) return e;
        e = new Entry(plan);
        Entry raced = ENTRIES.putIfAbsent(plan, e);
        if (raced != null) return raced;
        final Entry fresh = e;
        if (synchronous) {
            compile(table, fresh, false);
            return fresh;
        }
        if (!CodeCache.submit(() -> compile(table, fresh, true))) {
            ENTRIES.remove(plan, fresh);
            return null;
        }
        return fresh;
    }

    /** Translates {@code e}'s plan (warmed first when {@code warmUp}: not in the synchronous test mode, where it changes nothing). */
    private static void compile(DecodeTable table, Entry e, boolean warmUp) {
        Region r = null;
        try {
            // too large for the JIT: the same walk stopped earlier is a part of the same code
            for (RegionCompiler.Plan p = e.plan; r == null && p != null; p = RegionCompiler.halve(table, p)) {
                r = RegionCompiler.define(table, p);
                if (r != null) e.plan = p;
            }
        } catch (RuntimeException | LinkageError err) {
            r = null;
        }
        if (r == null) {                        // too large or failed: the code stays in the block tiers
            e.fail();
            return;
        }
        final Region translated = r;
        if (warmUp) warm(translated, e.plan);
        CLOCK.admit(e, capacity, () -> {
            e.compiled = translated;
            publish(e);
        });
    }
}
