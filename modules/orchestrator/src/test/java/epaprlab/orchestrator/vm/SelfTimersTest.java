package epaprlab.orchestrator.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An actor's own timers ({@link SelfTimers}, the VM supervisor's since it no longer uses Akka's
 * timer interceptor): each fires once, never before its delay; one cancelled or replaced after
 * its message was already in the mailbox is dropped; a periodic one repeats until cancelled.
 */
@Timeout(60)
class SelfTimersTest {
    static final ActorTestKit kit = ActorTestKit.create();

    @AfterAll
    static void stopKit() { kit.shutdownTestKit(); }

    private enum Key { A, B }

    private sealed interface Msg {}

    /** Runs {@code action} on the actor's thread with its timers. */
    private record Do(Consumer<SelfTimers<Key, Msg>> action) implements Msg {}

    /** What a timer delivers: passed on to the probe as {@code what} and the time it was handled. */
    private record Got(String what) implements Msg {}

    private record Fired(Key key, long generation) implements Msg {}

    private record Seen(String what, long atNanos) {}

    private static Behavior<Msg> timed(ActorRef<Seen> probe) {
        return Behaviors.setup(ctx -> {
            SelfTimers<Key, Msg> timers = new SelfTimers<>(ctx, Key.class, Fired::new);
            return Behaviors.receive((c, m) -> {
                Msg msg = m instanceof Fired f ? timers.due(f.key(), f.generation()) : m;
                switch (msg) {
                    case null -> { }                                    // stale: dropped
                    case Do d -> d.action().accept(timers);
                    case Got g -> probe.tell(new Seen(g.what(), System.nanoTime()));
                    case Fired f -> throw new AssertionError("a fired timer reached the handler: " + f);
                }
                return Behaviors.same();
            });
        });
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aSingleTimerFiresOnceNotBeforeItsDelay() {
        TestProbe<Seen> probe = kit.createTestProbe();
        ActorRef<Msg> actor = kit.spawn(timed(probe.getRef()));
        long armedAt = System.nanoTime();
        actor.tell(new Do(t -> t.startSingle(Key.A, new Got("a"), Duration.ofMillis(150))));
        Seen seen = probe.receiveMessage(Duration.ofSeconds(10));
        assertEquals("a", seen.what());
        assertTrue(seen.atNanos() - armedAt >= Duration.ofMillis(150).toNanos(), "fired before its delay");
        probe.expectNoMessage(Duration.ofMillis(400));
    }

    @Test
    void aTimerCancelledWhileItsMessageIsInTheMailboxIsDropped() {
        TestProbe<Seen> probe = kit.createTestProbe();
        ActorRef<Msg> actor = kit.spawn(timed(probe.getRef()));
        actor.tell(new Do(t -> {
            t.startSingle(Key.A, new Got("cancelled"), Duration.ofMillis(1));
            sleep(200);             // it fires meanwhile: its message waits behind this one
            t.cancel(Key.A);
        }));
        probe.expectNoMessage(Duration.ofMillis(500));
    }

    @Test
    void reArmingAKeyReplacesItsTimerEvenWhenTheOldOneHasFiredAlready() {
        TestProbe<Seen> probe = kit.createTestProbe();
        ActorRef<Msg> actor = kit.spawn(timed(probe.getRef()));
        actor.tell(new Do(t -> {
            t.startSingle(Key.A, new Got("old"), Duration.ofMillis(1));
            t.startSingle(Key.B, new Got("other key"), Duration.ofMillis(1));
            sleep(200);
            t.startSingle(Key.A, new Got("new"), Duration.ofMillis(50));
        }));
        assertEquals("other key", probe.receiveMessage(Duration.ofSeconds(10)).what());
        assertEquals("new", probe.receiveMessage(Duration.ofSeconds(10)).what());
        probe.expectNoMessage(Duration.ofMillis(400));
    }

    @Test
    void aPeriodicTimerRepeatsUntilCancelledAndCancelAllStopsEveryTimer() {
        TestProbe<Seen> probe = kit.createTestProbe();
        ActorRef<Msg> actor = kit.spawn(timed(probe.getRef()));
        actor.tell(new Do(t -> t.startFixedDelay(Key.A, new Got("tick"), Duration.ofMillis(30))));
        long previous = probe.receiveMessage(Duration.ofSeconds(10)).atNanos();
        for (int i = 0; i < 3; i++) {
            Seen tick = probe.receiveMessage(Duration.ofSeconds(10));
            assertEquals("tick", tick.what());
            assertTrue(tick.atNanos() - previous >= Duration.ofMillis(30).toNanos(), "a tick came before its delay");
            previous = tick.atNanos();
        }
        actor.tell(new Do(t -> {
            t.startSingle(Key.B, new Got("single"), Duration.ofMillis(100));
            t.cancelAll();
        }));
        actor.tell(new Got("marker"));     // handled after the cancel: a tick handled before it may come first
        String seen;
        do {
            seen = probe.receiveMessage(Duration.ofSeconds(10)).what();
            assertTrue(seen.equals("tick") || seen.equals("marker"), seen);
        } while (!seen.equals("marker"));
        probe.expectNoMessage(Duration.ofMillis(400));      // no tick, nor the cancelled single, after the cancel
    }
}
