package epaprlab.orchestrator.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import epaprlab.orchestrator.testing.TestGuests;
import epaprlab.orchestrator.testing.VmRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a VM can end, with its policy: the chaos sample guest (behaviour chosen by bootargs)
 * and the SMP counter, on both cores, each run under its own supervisor.
 */
class PoliciesTest {
    static final ActorTestKit kit = ActorTestKit.create();
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir Path dir;

    @AfterAll
    static void stopKit() { kit.shutdownTestKit(); }

    /** One scenario: guest image, VM keys, and what must come out. */
    record Case(String name, String image, String keys, Outcome outcome, int boots, int restarts, String consoleHas) {
        @Override public String toString() { return name; }
    }

    private static VmRun run(Path dir, Case c) throws Exception {
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        kit.spawn(VmSupervisor.create(TestGuests.vm(dir, c.name(), TestGuests.SAMPLE_IMAGES.resolve(c.image()), c.keys()),
                events.getRef(), new ImageCache()));
        return VmRun.collect(events, WAIT);
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (String cpu : List.of("e500mc", "e5500")) {
            String chaos = "chaos-" + cpu + ".elf";
            String on = "cpu = " + cpu + "\n  bootargs = ";
            cases.addAll(List.of(
                new Case("pass-" + cpu, chaos, on + "\"mode=pass\"", Outcome.PASSED, 1, 0, "pass-" + cpu + ": pass"),
                new Case("fail-" + cpu, chaos, on + "\"mode=fail\"", Outcome.FAILED, 1, 0, "fail-" + cpu + ": fail"),
                new Case("crash-stops-" + cpu, chaos, on + "\"mode=crash\"", Outcome.CRASHED, 1, 0, "crashing"),
                new Case("crash-restarts-then-passes-" + cpu, chaos, on + "\"mode=crash-until-3\"\n  on-crash = restart",
                        Outcome.PASSED, 3, 2, "boot 3"),
                new Case("restart-limit-" + cpu, chaos, on + "\"mode=crash\"\n  on-crash = restart\n  restart.max-restarts = 2",
                        Outcome.RESTART_LIMIT, 3, 2, "crashing"),
                new Case("no-reboot-" + cpu, chaos, on + "\"mode=reset-forever\"\n  on-reset = shutdown",
                        Outcome.SHUTDOWN, 1, 0, null),
                new Case("shutdown-loops-" + cpu, chaos, on + "\"mode=shutdown\"\n  on-shutdown = restart\n  limits.wall-timeout = 1s",
                        Outcome.TIMED_OUT, -1, 0, "shutting down"),
                new Case("hang-hits-instruction-limit-" + cpu, chaos, on + "\"mode=hang\"\n  limits.max-instructions = 3000000",
                        Outcome.INSTRUCTION_LIMIT, 1, 0, null),
                new Case("idle-goes-silent-" + cpu, chaos, on + "\"mode=idle\"\n  limits.console-silence = 300ms",
                        Outcome.CONSOLE_SILENT, 1, 0, null),
                new Case("spam-passes-" + cpu, chaos, on + "\"mode=spam\"", Outcome.PASSED, 1, 0, "line 1999 of"),
                new Case("smp-counter-" + cpu, "smp-counter-" + cpu + ".elf", "cpu = " + cpu + "\n  vcpus = 4",
                        Outcome.PASSED, 1, 0, "counter=4000000 expected=4000000"),
                new Case("watchdog-stops-" + cpu, chaos, on + "\"mode=watchdog\"", Outcome.WATCHDOG, 1, 0, "arming"),
                new Case("watchdog-restarts-" + cpu, chaos, on + "\"mode=watchdog\"\n  on-watchdog = restart\n  restart.max-restarts = 1",
                        Outcome.RESTART_LIMIT, 2, 1, "arming"),
                new Case("doorbell-wakes-a-sleeping-vcpu-" + cpu, chaos, on + "\"mode=doorbell\"\n  vcpus = 2",
                        Outcome.PASSED, 1, 0, "vCPU 1 woke up for the doorbell"),
                new Case("smp-reset-once-" + cpu, chaos, on + "\"mode=smp-reset\"\n  vcpus = 3",
                        Outcome.PASSED, 3, 0, "boot 3 of 3 vCPUs")));
        }
        return cases.stream();
    }

    @TestFactory
    Stream<DynamicTest> everyEndingHasItsOutcome() {
        return cases().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            VmRun run = run(dir, c);
            VmResult r = run.result();
            assertEquals(c.outcome(), r.outcome(), () -> r.detail() + "\nconsole: " + run.console());
            if (c.boots() > 0) assertEquals(c.boots(), r.boots(), "boots; transitions " + run.transitions());
            else assertTrue(r.boots() > 1, "the guest was restarted after each shutdown: " + r.boots());
            assertEquals(c.restarts(), r.restarts(), "crash restarts");
            if (c.consoleHas() != null) {
                assertTrue(run.console().stream().anyMatch(l -> l.contains(c.consoleHas())),
                        "no console line with \"" + c.consoleHas() + "\": " + run.console());
            }
            assertTrue(run.transitions().getLast().isFinal(), run.transitions().toString());
        }));
    }
}
