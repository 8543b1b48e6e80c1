package epaprlab.orchestrator.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The JVM's one timer thread for every VM's wall-clock limit: each deadline fires once, never early, unless cancelled. */
@Timeout(60)
class WallDeadlinesTest {
    /** How late a deadline may fire on this shared, loaded machine (the thread is woken at its time). */
    private static final long LATE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private record Fired(WallDeadlines.Deadline deadline, long atNanos) {}

    @Test
    void everyDeadlineNotCancelledFiresOnceAtItsTimeInTimeOrder() throws Exception {
        WallDeadlines deadlines = new WallDeadlines("test-deadlines-order");
        Random random = new Random(12);
        long base = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);   // all armed and cancelled before the first is due
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 300; i++) times.add(base + TimeUnit.MICROSECONDS.toNanos(random.nextInt(400_000)));
        times.add(base + 5);                // equal and nearly equal deadlines too
        times.add(base + 5);
        Collections.shuffle(times, random);

        List<Fired> fired = Collections.synchronizedList(new ArrayList<>());
        Set<WallDeadlines.Deadline> kept = ConcurrentHashMap.newKeySet();
        CountDownLatch all = new CountDownLatch(times.size() - (times.size() + 2) / 3);      // all but every third
        List<WallDeadlines.Deadline> armed = new ArrayList<>();
        for (long at : times) {
            armed.add(deadlines.arm(at, d -> {
                fired.add(new Fired(d, System.nanoTime()));
                all.countDown();
            }));
        }
        for (int i = 0; i < armed.size(); i++) {
            if (i % 3 == 0) deadlines.cancel(armed.get(i));          // a third end before their limit
            else kept.add(armed.get(i));
        }
        assertEquals(kept.size(), (int) all.getCount());
        assertTrue(all.await(30, TimeUnit.SECONDS), "every deadline left armed fired");
        Thread.sleep(50);                                             // a cancelled one would fire by now too

        assertEquals(kept.size(), fired.size(), "each fired exactly once, no cancelled one fired");
        assertEquals(kept, new HashSet<>(fired.stream().map(Fired::deadline).toList()));
        long previous = Long.MIN_VALUE;
        for (Fired f : fired) {
            long at = f.deadline().atNanos();
            assertTrue(f.atNanos() - at >= 0, "fired " + (at - f.atNanos()) + " ns before its time");
            assertTrue(f.atNanos() - at < LATE_NANOS, "fired " + (f.atNanos() - at) / 1_000_000 + " ms late");
            assertTrue(at - previous >= 0 || previous == Long.MIN_VALUE, "deadlines fire in time order");
            previous = at;
        }
        assertEquals(0, deadlines.pending(), "nothing is kept after it fired or was cancelled");
    }

    @Test
    void anEarlierDeadlineWakesTheThreadSleepingUntilALaterOne() throws Exception {
        WallDeadlines deadlines = new WallDeadlines("test-deadlines-earlier");
        CountDownLatch late = new CountDownLatch(1), soon = new CountDownLatch(1);
        long now = System.nanoTime();
        WallDeadlines.Deadline far = deadlines.arm(now + TimeUnit.SECONDS.toNanos(30), d -> late.countDown());
        Thread.sleep(50);                                   // the thread now sleeps until the far one
        long at = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long[] firedAt = new long[1];
        deadlines.arm(at, d -> {
            firedAt[0] = System.nanoTime();
            soon.countDown();
        });
        assertTrue(soon.await(10, TimeUnit.SECONDS), "the earlier deadline fired while a later one was the earliest before");
        assertTrue(firedAt[0] - at >= 0 && firedAt[0] - at < LATE_NANOS, "fired at its time: " + (firedAt[0] - at) + " ns");
        assertEquals(1, late.getCount(), "the far one is not due");
        deadlines.cancel(far);
        deadlines.cancel(far);                              // twice, and after firing: no effect
        assertEquals(0, deadlines.pending());
    }

    @Test
    void manyThreadsArmingAndCancellingAtOnceLoseNothing() throws Exception {
        WallDeadlines deadlines = new WallDeadlines("test-deadlines-threads");
        int threads = 4, each = 5_000;
        CountDownLatch fired = new CountDownLatch(threads * 10);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    // most VMs end long before their limit; every 500th runs into it
                    WallDeadlines.Deadline d = deadlines.arm(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(i % 500 == 0 ? 20 : 60_000),
                            x -> fired.countDown());
                    if (i % 500 != 0) deadlines.cancel(d);
                }
            }));
        }
        for (Thread w : workers) {
            assertTrue(w.join(java.time.Duration.ofSeconds(20)), "a worker is stuck");
        }
        assertTrue(fired.await(20, TimeUnit.SECONDS), "the deadlines left armed fired");
        Thread.sleep(50);
        assertEquals(0, deadlines.pending(), "the cancelled ones left the heap at once");
    }
}
