package epaprlab.orchestrator.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import epaprlab.orchestrator.config.LabConfig;
import epaprlab.orchestrator.config.LabConfigLoader;
import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.vm.VmResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A lab's actor system started before its lab is loaded: it runs the lab it is then given, or ends without one. */
@Timeout(120)
class LabActorSystemTest {
    static final ActorTestKit kit = ActorTestKit.create();

    @AfterAll
    static void stopKit() { kit.shutdownTestKit(); }

    @Test
    void aLaunchedSystemRunsTheLabItIsGivenAndEndsWithIt() throws Exception {
        LabConfig lab = LabConfigLoader.withDefaults().load(Path.of("../../sample-vms/quickstart.conf"));
        LinkedBlockingQueue<LabEvent> events = new LinkedBlockingQueue<>();
        try (LabActorSystem.Launch launch = LabActorSystem.launch(ConfigFactory.load())) {
            launch.begin(new LabGuardian.Begin(lab, events::add, null));
            launch.whenTerminated().get(60, TimeUnit.SECONDS);
        }
        List<LabEvent> all = new ArrayList<>(events);
        LabFinished finished = (LabFinished) all.getLast();
        assertTrue(finished.allAsExpected(), finished.results().toString());
        assertEquals(List.of("hello-32", "hello-64", "reset-loop-32", "reset-loop-64"),
                finished.results().stream().map(VmResult::vm).toList());
    }

    @Test
    void aLaunchClosedWithoutALabEndsItsActorSystem() throws Exception {
        LabActorSystem.Launch launch = LabActorSystem.launch(ConfigFactory.load());
        assertFalse(launch.whenTerminated().isDone());
        launch.close();
        launch.whenTerminated().get(60, TimeUnit.SECONDS);       // times out (fails) if it never ends
    }

    @Test
    void aGuardianStoppedBeforeItsLabEndsWithoutStartingOne() {
        ActorRef<LabGuardian.Command> guardian = kit.spawn(LabGuardian.awaiting());
        var probe = kit.createTestProbe();
        guardian.tell(new LabGuardian.StopAll("stopped before the lab was loaded"));
        probe.expectTerminated(guardian, java.time.Duration.ofSeconds(10));
    }
}
