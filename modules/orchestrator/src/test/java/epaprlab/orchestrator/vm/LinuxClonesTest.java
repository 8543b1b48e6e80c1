package epaprlab.orchestrator.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import epaprlab.orchestrator.config.LabConfig;
import epaprlab.orchestrator.config.LabConfigLoader;
import epaprlab.orchestrator.config.VmConfig;
import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.lab.LabGuardian;
import epaprlab.orchestrator.vm.VmEvent.ConsoleLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * sample-vms/linux-clones.conf at CI size: the Linux sample boots once to its /init in console
 * mode, the lab snapshots it at the "console ready" line and starts the other VMs from that
 * snapshot; every VM, the one that booted and each clone, answers the command its console step
 * types and powers off on the next one.
 */
@Timeout(900)
class LinuxClonesTest {
    static final ActorTestKit kit = ActorTestKit.create();
    static final Path SAMPLES = Path.of("../../sample-vms").toAbsolutePath().normalize();
    static final int VMS = 3;

    @TempDir Path dir;

    @AfterAll
    static void stopKit() { kit.shutdownTestKit(); }

    /** The sample, with VMS VMs instead of 1,000, no idle minute, and its files named absolutely. */
    private LabConfig sampleAtCiSize() throws Exception {
        String text = Files.readString(SAMPLES.resolve("linux-clones.conf"));
        String small = text.replace("count = 1000", "count = " + VMS).replace("concurrency = 1000", "concurrency = " + VMS)
                .replace("send = \"sleep 60\"", "send = \"uptime\"")
                .replaceAll("(kernel|initrd) = linux/(\\S+),", "$1 = \"" + SAMPLES.resolve("linux") + "/$2\",");
        assertFalse(small.equals(text) || small.contains("1000"), small);
        return LabConfigLoader.withDefaults().load(Files.writeString(dir.resolve("linux-clones.conf"), small));
    }

    @Test void everyCloneOfTheBootedLinuxAnswersItsConsoleCommand() throws Exception {
        LinkedBlockingQueue<LabEvent> queue = new LinkedBlockingQueue<>();
        kit.spawn(LabGuardian.create(sampleAtCiSize(), queue::add));
        List<LabEvent> events = new ArrayList<>();
        while (events.isEmpty() || !(events.getLast() instanceof LabFinished)) {
            LabEvent e = queue.poll(600, TimeUnit.SECONDS);
            if (e == null) throw new AssertionError("the lab did not finish; last events: " + events.reversed().stream().limit(20).toList());
            events.add(e);
        }
        LabFinished end = (LabFinished) events.getLast();
        assertEquals(VMS, end.results().size());
        assertTrue(end.results().stream().allMatch(r -> r.outcome() == Outcome.PASSED), end.results().toString());
        VmResult source = end.results().getFirst();
        assertEquals(1, source.boots());
        assertEquals(0, source.restores());
        assertTrue(console(events, source.vm()).contains("epapr-lab-init: self-check PASS"));
        for (VmResult clone : end.results().subList(1, VMS)) {
            List<String> lines = console(events, clone.vm());
            assertEquals(0, clone.boots(), clone.vm());
            assertEquals(1, clone.restores(), clone.vm());
            assertTrue(clone.restoredFrom().orElseThrow().startsWith("snapshot of vm " + source.vm() + " "), clone.restoredFrom().toString());
            // it did not boot: its console starts at the prompt, answers, and ends with the power-off
            assertEquals("init> echo hello from a clone", lines.getFirst(), lines::toString);
            assertEquals("hello from a clone", lines.get(1), lines::toString);
            assertTrue(lines.get(3).matches("uptime \\d+\\.\\d\\d"), lines::toString);
            assertEquals("init> poweroff", lines.get(4), lines::toString);
            assertEquals("epapr-lab-init: power-off", lines.get(5), lines::toString);
            assertTrue(clone.instructions() < source.instructions() / 100,
                    "a clone runs only what follows the snapshot: " + clone.instructions() + " of " + source.instructions());
        }
    }

    @Test void theSampleStartsAThousandFromOneBoot() throws Exception {
        List<VmConfig> vms = LabConfigLoader.withDefaults().load(SAMPLES.resolve("linux-clones.conf")).vms();
        assertEquals(1000, vms.size());
        assertEquals("e500mc", vms.getFirst().board().cpu().configName());
        assertEquals(4, vms.getLast().consoleSteps().size());
    }

    private static List<String> console(List<LabEvent> events, String vm) {
        return events.stream().filter(e -> e instanceof LabEvent.OfVm(ConsoleLine c) && c.vm().equals(vm))
                .map(e -> ((ConsoleLine) ((LabEvent.OfVm) e).event()).line()).toList();
    }
}
