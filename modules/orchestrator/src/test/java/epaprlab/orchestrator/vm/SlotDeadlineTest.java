package epaprlab.orchestrator.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The clones of one actor watch their wall-clock limits through one armed deadline: each watched
 * limit fires once and never before its time, an unwatched one never, whatever was armed before.
 */
@Timeout(60)
class SlotDeadlineTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private record Fired(String which, long lateNanos) {}

    @Test
    void onlyTheWatchedLimitFiresAndNeverEarlyThoughAnEarlierOneWasArmed() throws Exception {
        SlotDeadline slot = new SlotDeadline(new WallDeadlines("test-slot-deadline"));
        List<Fired> fired = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        long first = System.nanoTime() + 100 * MS;
        slot.watch(first, () -> fired.add(new Fired("first", System.nanoTime() - first)));
        slot.unwatch();                                 // ended before its limit
        long second = System.nanoTime() + 400 * MS;     // later than the armed one: armed again when that fires
        slot.watch(second, () -> {
            fired.add(new Fired("second", System.nanoTime() - second));
            done.countDown();
        });
        assertTrue(done.await(10, TimeUnit.SECONDS), "the watched limit never fired: " + fired);
        Thread.sleep(200);
        assertEquals(1, fired.size(), fired.toString());
        assertEquals("second", fired.getFirst().which());
        assertTrue(fired.getFirst().lateNanos() >= 0, "fired early: " + fired);
    }

    @Test
    void anEarlierLimitThanTheArmedOneFiresAtItsOwnTime() throws Exception {
        SlotDeadline slot = new SlotDeadline(new WallDeadlines("test-slot-deadline-earlier"));
        List<Fired> fired = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        slot.watch(System.nanoTime() + 60_000 * MS, () -> fired.add(new Fired("long", 0)));
        slot.unwatch();
        long shorter = System.nanoTime() + 150 * MS;
        slot.watch(shorter, () -> {
            fired.add(new Fired("short", System.nanoTime() - shorter));
            done.countDown();
        });
        assertTrue(done.await(10, TimeUnit.SECONDS), "the shorter limit waited for the armed one: " + fired);
        assertEquals(List.of("short"), fired.stream().map(Fired::which).toList());
        assertTrue(fired.getFirst().lateNanos() >= 0 && fired.getFirst().lateNanos() < 5_000 * MS, fired.toString());
    }

    @Test
    void closedNothingFires() throws Exception {
        WallDeadlines deadlines = new WallDeadlines("test-slot-deadline-closed");
        SlotDeadline slot = new SlotDeadline(deadlines);
        List<String> fired = new CopyOnWriteArrayList<>();
        slot.watch(System.nanoTime() + 50 * MS, () -> fired.add("watched"));
        slot.close();
        Thread.sleep(300);
        assertEquals(List.of(), fired);
        assertEquals(0, deadlines.pending(), "the armed deadline left the timer's queue");
    }
}
