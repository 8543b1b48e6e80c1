package epaprlab.orchestrator.testing;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.Behavior;
import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.lab.LabGuardian;
import epaprlab.orchestrator.lab.LabObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Runs a lab's guardian under a test kit and collects what it publishes. */
public final class LabRuns {
    private LabRuns() {}

    /**
     * Spawns the guardian {@code create} makes for an observer and returns every event it
     * published, ending with its LabFinished; fails when 60 s pass without an event.
     */
    public static List<LabEvent> untilFinished(ActorTestKit kit, Function<LabObserver, Behavior<LabGuardian.Command>> create)
            throws InterruptedException {
        LinkedBlockingQueue<LabEvent> queue = new LinkedBlockingQueue<>();
        kit.spawn(create.apply(queue::add));
        List<LabEvent> events = new ArrayList<>();
        while (true) {
            LabEvent e = queue.poll(60, TimeUnit.SECONDS);
            if (e == null) throw new AssertionError("the lab did not finish; events so far: " + events);
            events.add(e);
            if (e instanceof LabFinished) return events;
        }
    }
}
