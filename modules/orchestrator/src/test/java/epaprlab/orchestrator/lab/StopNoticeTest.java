package epaprlab.orchestrator.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The guardian learns that a VM's supervisor stopped from {@link StopNotice} instead of a death
 * watch: every way a child can stop must still give exactly one notice, after its last message.
 */
@Timeout(30)
class StopNoticeTest {
    static final ActorTestKit kit = ActorTestKit.create();

    @AfterAll
    static void stopKit() { kit.shutdownTestKit(); }

    private static final Duration QUIET = Duration.ofMillis(300);

    /** A child that on "end" sends "result" and stops, on "throw" throws, and ignores anything else. */
    private static Behavior<String> child(ActorRef<String> out) {
        return Behaviors.receive(String.class)
                .onMessageEquals("end", () -> {
                    out.tell("result");
                    return Behaviors.stopped();
                })
                .onMessageEquals("throw", () -> { throw new IllegalStateException("a bug in the child"); })
                .onAnyMessage(m -> Behaviors.same())
                .build();
    }

    private static ActorRef<String> spawnWatched(Behavior<String> child, TestProbe<String> probe) {
        return kit.spawn(StopNotice.around(child, String.class, probe.ref(), "stopped"));
    }

    @Test
    void aChildThatEndsItselfIsNoticedOnceAfterItsLastMessage() {
        TestProbe<String> probe = kit.createTestProbe();
        ActorRef<String> c = spawnWatched(child(probe.ref()), probe);
        c.tell("anything");
        c.tell("end");
        assertEquals("result", probe.receiveMessage());
        assertEquals("stopped", probe.receiveMessage());
        probe.expectNoMessage(QUIET);
    }

    @Test
    void aChildThatThrowsInAMessageIsNoticed() {
        TestProbe<String> probe = kit.createTestProbe();
        ActorRef<String> c = spawnWatched(child(probe.ref()), probe);
        c.tell("throw");
        assertEquals("stopped", probe.receiveMessage());
        probe.expectNoMessage(QUIET);
    }

    @Test
    void aChildWhoseSetupThrowsIsNoticed() {
        TestProbe<String> probe = kit.createTestProbe();
        spawnWatched(Behaviors.setup(ctx -> { throw new IllegalStateException("a bug in the setup"); }), probe);
        assertEquals("stopped", probe.receiveMessage());
        probe.expectNoMessage(QUIET);
    }

    @Test
    void aChildStoppedFromOutsideIsNoticed() {
        TestProbe<String> probe = kit.createTestProbe();
        ActorRef<String> c = spawnWatched(child(probe.ref()), probe);
        kit.stop(c);
        assertEquals("stopped", probe.receiveMessage());
        probe.expectNoMessage(QUIET);
    }

    @Test
    void aChildThatChangesBehaviourKeepsItsNotice() {
        TestProbe<String> probe = kit.createTestProbe();
        Behavior<String> twoStates = Behaviors.receive(String.class)
                .onMessageEquals("next", () -> child(probe.ref()))
                .build();
        ActorRef<String> c = spawnWatched(twoStates, probe);
        c.tell("next");
        c.tell("throw");
        assertEquals("stopped", probe.receiveMessage());
        probe.expectNoMessage(QUIET);
    }
}
