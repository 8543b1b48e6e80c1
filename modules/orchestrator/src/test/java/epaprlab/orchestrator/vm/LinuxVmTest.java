package epaprlab.orchestrator.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import epaprlab.orchestrator.config.LabConfigLoader;
import epaprlab.orchestrator.config.VmConfig;
import epaprlab.orchestrator.vm.VmEvent.ConsoleLine;
import epaprlab.orchestrator.vm.VmEvent.LifecycleChanged;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The committed Linux 6.1 (sample-vms/linux/) on the ppce500 board under its supervisor, as
 * sample-vms/linux-e500mc.conf runs it: the kernel boots to our /init, whose self-check passes;
 * /init reboots through GUTS RSTCR (boot 2, reason guest-reset) and boot 2 powers off through
 * the GPIO line. The sample lab files load with the VMs the issue asks for.
 */
@Timeout(900)
class LinuxVmTest {
    static final ActorTestKit kit = ActorTestKit.create();
    static final Duration WAIT = Duration.ofSeconds(600);
    static final Path SAMPLES = Path.of("../../sample-vms");

    @AfterAll
    static void stopKit() { kit.shutdownTestKit(); }

    @Test void e500mcBootsToInitRebootsOnceAndPowersOff() throws Exception {
        VmConfig vm = LabConfigLoader.withDefaults().load(SAMPLES.resolve("linux-e500mc.conf")).vms().getFirst();
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        kit.spawn(VmSupervisor.create(vm, events.getRef(), new ImageCache()));
        List<String> console = new ArrayList<>();
        List<String> lifecycle = new ArrayList<>();
        VmResult result = null;
        while (result == null) {
            switch (events.receiveMessage(WAIT)) {
                case ConsoleLine l -> console.add(l.line());
                case LifecycleChanged l -> lifecycle.add(l.to() + ": " + l.why());
                case VmFinished f -> result = f.result();
                case VmEvent.SnapshotTaken _ -> { }
            }
        }
        VmResult r = result;
        assertEquals(Outcome.PASSED, r.outcome(), () -> r.detail() + "\n" + lifecycle + "\n" + console);
        assertEquals(2, r.boots(), lifecycle::toString);
        assertEquals(1, r.guestResets());
        assertEquals(2, console.stream().filter(l -> l.equals("Run /init as init process")).count(), console::toString);
        assertEquals(2, console.stream().filter(l -> l.equals("epapr-lab-init: self-check PASS")).count(), console::toString);
        assertTrue(console.contains("cpu\t\t: e500mc"), console::toString);
        assertTrue(console.contains("epapr-lab-init: boot-count 2"), console::toString);
        assertTrue(console.contains("epapr-lab-init: reset-reason guest-reset"), console::toString);
        assertEquals("reboot: Power down", console.getLast(), console::toString);
    }

    @Test void theLinuxLabsHoldTheIssuesBoots() throws Exception {
        List<VmConfig> four = LabConfigLoader.withDefaults().load(SAMPLES.resolve("linux.conf")).vms();
        assertEquals(List.of("e500mc-1:e500mc:1", "e500mc-2:e500mc:2", "e5500-1:e5500:1", "e5500-2:e5500:2"),
                four.stream().map(v -> v.name() + ":" + v.board().cpu().configName() + ":" + v.board().vcpus()).toList());
        List<VmConfig> twenty = LabConfigLoader.withDefaults().load(SAMPLES.resolve("linux-20.conf")).vms();
        assertEquals(20, twenty.size());
        assertEquals(10, twenty.stream().filter(v -> v.board().cpu().configName().equals("e5500")).count());
    }
}
