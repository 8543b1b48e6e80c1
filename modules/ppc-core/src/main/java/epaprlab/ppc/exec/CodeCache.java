package epaprlab.ppc.exec;

import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The JVM-wide cache of compiled blocks and the background compiler that fills it.
 *
 * <p>A hot block asks for its {@link Entry} ({@link #request}): blocks with the same model and
 * words share one entry, whichever CPU, VM, effective or physical address runs them (the
 * compiled code reads its words' tags at the physical address it is given, so no mapping can make
 * it run other words). A new entry is queued for the one compiler thread (a bounded queue: when it
 * is full the block simply asks again later) and the block keeps running interpreted until
 * {@link Entry#compiled} is set, so a vCPU never waits for the class-file API or class definition.
 *
 * <p>Bounded: at most {@link #capacity()} compiled entries. The compiler thread evicts the oldest
 * entry not used since the clock hand last passed (second chance) before it adds one: it
 * forgets the entry and clears {@link Entry#compiled}, so every block holding the entry runs
 * interpreted again and asks anew when it gets hot. The hidden classes are defined without
 * {@code ClassOption.STRONG}, so once no entry or running frame holds an evicted one, the class
 * and its metaspace are unloaded by the GC.
 */
final class CodeCache {
    private CodeCache() {}

    /** Compiled blocks kept at most over the JVM; {@code -Depaprlab.code-cache-blocks}. */
    private static volatile int capacity = Integer.getInteger("epaprlab.code-cache-blocks", 10_000);
    /** Blocks waiting for the compiler at most; a request beyond is refused and retried later. */
    static final int QUEUE = 1024;

    /** One block's compiled form, shared by every block with the same model and words. */
    static final class Entry extends SecondChanceClock.Slot<Key> {
        private final Op[] ops;
        /** Null until the compiler thread has defined it, and again once evicted. */
        volatile CompiledBlock compiled;

        private Entry(Key key, Op[] ops) {
            super(key);
            this.ops = ops;
        }

        @Override void dropCode() { compiled = null; }
    }

    /** Handed to synchronous requests when the cache is full: the block stays interpreted. */
    private static final Entry FULL = new Entry(null, null);
    static { FULL.fail(); }

    private record Key(boolean has64, int[] words) {
        @Override public boolean equals(Object o) {
            return o instanceof Key k && k.has64 == has64 && Arrays.equals(k.words, words);
        }
        @Override public int hashCode() { return Arrays.hashCode(words) * 31 + (has64 ? 1 : 0); }
    }

    private static final ConcurrentHashMap<Key, Entry> ENTRIES = new ConcurrentHashMap<>();
    /** Compiled entries in admission order (the compiler thread admits them). */
    private static final SecondChanceClock<Key, Entry> CLOCK = new SecondChanceClock<>(ENTRIES);
    private static final ThreadPoolExecutor COMPILER = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE), r -> {
                Thread t = new Thread(r, "epapr-lab-block-compiler");
                t.setDaemon(true);
                return t;
            });

    static int capacity() { return capacity; }

    /** Queues work for the one compiler thread (shared with {@link RegionCache}); false when its queue is full. */
    static boolean submit(Runnable job) {
        try {
            COMPILER.execute(job);
            return true;
        } catch (RejectedExecutionException full) {
            return false;
        }
    }

    /**
     * For tests: returns once every job queued before the call has run (the one compiler thread
     * runs them in order, so a marker job behind them is enough).
     */
    static void awaitQueued() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        while (!submit(done::countDown)) Thread.sleep(1);
        done.await();
    }

    /** For tests: a smaller cap (takes effect at the next compilation). */
    static void setCapacity(int blocks) {
        if (blocks < 1) throw new IllegalArgumentException("code cache capacity must be >= 1, got " + blocks);
        capacity = blocks;
    }

    /** Compiled entries alive in the cache now. */
    static int size() { return CLOCK.size(); }

    static long evictedCount() { return CLOCK.evictedCount(); }

    /**
     * The entry for {@code b}: the shared one if some CPU asked for these words already, else a new
     * one, compiled now on this thread when {@code synchronous} (a dead entry when the cache is
     * full: that block stays interpreted), else queued for the compiler thread. Null when the
     * queue is full (ask again later).
     */
    static Entry request(boolean has64, Block b, boolean synchronous) {
        Key key = new Key(has64, b.words);
        if (b.shareable()) {
            Entry e = ENTRIES.get(key);
            if (e != null) return e;
        }
        Entry e = new Entry(key, b.ops);
        if (b.shareable()) {
            Entry raced = ENTRIES.putIfAbsent(key, e);
            if (raced != null) return raced;
        }
        if (synchronous) {
            if (size() >= capacity) {
                // compile-on-first-run test mode: a full cache keeps new blocks interpreted for good,
                // so a test that runs endless distinct blocks does not evict and recompile forever
                if (b.shareable()) ENTRIES.remove(key, e);
                return FULL;
            }
            compile(e);
            return e;
        }
        try {
            COMPILER.execute(() -> compile(e));
        } catch (RejectedExecutionException full) {
            if (b.shareable()) ENTRIES.remove(key, e);
            return null;
        }
        return e;
    }

    private static void compile(Entry e) {
        CompiledBlock c;
        try {
            c = BlockCompiler.define(e.ops, e.key.words());
        } catch (RuntimeException | LinkageError err) {
            e.fail();
            return;                             // the block stays interpreted; results are the same
        }
        CLOCK.admit(e, capacity, () -> e.compiled = c);
    }
}
