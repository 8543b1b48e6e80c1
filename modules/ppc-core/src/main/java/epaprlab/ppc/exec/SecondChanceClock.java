package epaprlab.ppc.exec;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bound of a JVM-wide cache of translated code ({@link CodeCache}, {@link RegionCache}):
 * translated entries in the order they were admitted, and second-chance eviction (an entry used
 * since the clock hand last passed goes to the back once). An evicted entry leaves the cache's
 * map and drops its code, so every holder runs interpreted again and asks anew when it gets hot.
 */
final class SecondChanceClock<K, E extends SecondChanceClock.Slot<K>> {

    /** What both caches keep per entry besides its code. */
    abstract static class Slot<K> {
        final K key;
        /** Evicted, or its translation failed: holders drop it (and ask again unless it failed). */
        volatile boolean dead;
        /** Its translation failed: the code stays in the lower tiers for good. */
        volatile boolean failed;
        /** Run since the clock hand last passed it (racy by design: only a hint). */
        boolean used;

        Slot(K key) { this.key = key; }

        /** Clears the translated code (the entry was evicted). */
        abstract void dropCode();

        /** Its translation failed: holders keep running it in the lower tiers. */
        final void fail() {
            failed = true;
            dead = true;
        }
    }

    private final ConcurrentHashMap<K, E> entries;
    private final ArrayDeque<E> clock = new ArrayDeque<>();
    private final AtomicLong evicted = new AtomicLong();

    /** {@code entries}: the cache's map, from which evicted entries are removed. */
    SecondChanceClock(ConcurrentHashMap<K, E> entries) { this.entries = entries; }

    /** Translated entries alive now. */
    int size() {
        synchronized (clock) { return clock.size(); }
    }

    long evictedCount() { return evicted.get(); }

    /** Evicts down to below {@code capacity}, then runs {@code publish} (which sets e's code) and admits e. */
    void admit(E e, int capacity, Runnable publish) {
        synchronized (clock) {
            while (clock.size() >= capacity) evictOne();
            publish.run();
            clock.addLast(e);
        }
    }

    private void evictOne() {
        for (int turns = clock.size(); turns > 0; turns--) {
            E e = clock.peekFirst();
            if (!e.used) break;
            e.used = false;
            clock.addLast(clock.pollFirst());
        }
        E victim = clock.pollFirst();
        entries.remove(victim.key, victim);
        victim.dropCode();
        victim.dead = true;
        evicted.incrementAndGet();
    }
}
