package epaprlab.orchestrator.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import epaprlab.orchestrator.config.LabConfig;
import epaprlab.orchestrator.config.VmConfig;
import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.lab.LabGuardian;
import epaprlab.orchestrator.testing.TestGuests;
import epaprlab.orchestrator.vm.Outcome;
import epaprlab.orchestrator.vm.VmEvent;
import epaprlab.orchestrator.vm.VmResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact replay: one-vCPU guests on the instruction time base give the same instruction count,
 * console and outcome on each of 20 runs, in labs that differ in order, concurrency and the
 * other guests they run beside (busy, SMP, spamming ones). Covers every ending a guest reaches by
 * itself: the result hypercall (pass, fail), a console line matching the pass pattern, a crash,
 * the instruction limit, the watchdog and a shutdown; and a four-vCPU VM whose guest never releases
 * its secondaries (they spin in the host, so only one vCPU runs guest code).
 */
@Timeout(900)
class ExactReplayTest {
    static final ActorTestKit kit = ActorTestKit.create();
    static final int RUNS = 20;

    @TempDir Path dir;

    @AfterAll
    static void stopKit() { kit.shutdownTestKit(); }

    record Seen(Outcome outcome, long instructions, String console) {}

    @Test
    void twentyRunsInDifferentLabsAreIdentical() throws Exception {
        Path c32 = TestGuests.SAMPLE_IMAGES.resolve("chaos-e500mc.elf"), c64 = TestGuests.SAMPLE_IMAGES.resolve("chaos-e5500.elf");
        List<VmConfig> subjects = List.of(
                TestGuests.vm(dir, "pass32", c32, "bootargs = \"mode=pass\""),
                TestGuests.vm(dir, "pass64", c64, "cpu = e5500\n  bootargs = \"mode=pass\""),
                TestGuests.vm(dir, "fail32", c32, "bootargs = \"mode=fail\""),
                TestGuests.vm(dir, "pattern64", c64, "cpu = e5500\n  bootargs = \"mode=spam\"\n  result.pass-pattern = \"line 20\""),
                TestGuests.vm(dir, "crash64", c64, "cpu = e5500\n  bootargs = \"mode=crash\""),
                TestGuests.vm(dir, "limit32", c32, "bootargs = \"mode=hang\"\n  limits.max-instructions = 123457"),
                TestGuests.vm(dir, "watchdog64", c64, "cpu = e5500\n  bootargs = \"mode=watchdog\""),
                TestGuests.vm(dir, "hello32", TestGuests.SAMPLE_IMAGES.resolve("hello-e500mc.elf"), ""),
                // four vCPUs of which the guest releases none: the secondaries spin in the host, not in guest code
                TestGuests.vm(dir, "unreleased32", c32, "vcpus = 4\n  bootargs = \"mode=pass\""),
                TestGuests.vm(dir, "demo64", TestGuests.SAMPLE_IMAGES.resolve("gdb-demo-e5500.elf"), "cpu = e5500"));
        List<VmConfig> noise = List.of(
                TestGuests.vm(dir, "smp", TestGuests.SAMPLE_IMAGES.resolve("smp-counter-e5500.elf"), "cpu = e5500\n  vcpus = 4"),
                TestGuests.vm(dir, "spam", c64, "cpu = e5500\n  bootargs = \"mode=spam\""),
                TestGuests.vm(dir, "busy", c32, "bootargs = \"mode=hang\"\n  limits.max-instructions = 3000000"),
                TestGuests.vm(dir, "wall", c32, "bootargs = \"mode=hang\"\n  time-base = wall-clock\n  limits.max-instructions = 2000000"));
        Random random = new Random(11);
        Map<String, Seen> first = new HashMap<>();
        for (int run = 0; run < RUNS; run++) {
            List<VmConfig> vms = new ArrayList<>(subjects);
            for (VmConfig n : noise) if (random.nextBoolean()) vms.add(n);
            Collections.shuffle(vms, random);
            int concurrency = 1 + random.nextInt(vms.size());
            Map<String, Seen> seen = runLab(new LabConfig("mix-" + run, dir.resolve("lab.conf"), concurrency, vms));
            for (VmConfig s : subjects) {
                Seen now = seen.get(s.name());
                Seen before = first.putIfAbsent(s.name(), now);
                if (before != null) assertEquals(before, now, s.name() + " in run " + run + " (concurrency " + concurrency + ")");
            }
        }
        assertEquals(Outcome.PASSED, first.get("pass32").outcome());
        assertEquals(Outcome.FAILED, first.get("fail32").outcome());
        assertEquals(Outcome.PASSED, first.get("pattern64").outcome());
        assertTrue(first.get("pattern64").console().endsWith("line 20 of a lot of console output"), "the VM stopped at the matching line: " + first.get("pattern64"));
        assertEquals(Outcome.CRASHED, first.get("crash64").outcome());
        assertEquals(Outcome.INSTRUCTION_LIMIT, first.get("limit32").outcome());
        assertEquals(123457, first.get("limit32").instructions());
        assertEquals(Outcome.WATCHDOG, first.get("watchdog64").outcome());
        assertEquals(Outcome.SHUTDOWN, first.get("hello32").outcome());
        assertEquals(Outcome.PASSED, first.get("unreleased32").outcome());
        assertTrue(first.get("demo64").console().endsWith("total 155, checksum 0x3e495d, 5 calls"), first.get("demo64").console());
    }

    private static Map<String, Seen> runLab(LabConfig lab) throws InterruptedException {
        LinkedBlockingQueue<LabEvent> queue = new LinkedBlockingQueue<>();
        kit.spawn(LabGuardian.create(lab, queue::add));
        Map<String, StringBuilder> console = new LinkedHashMap<>();
        while (true) {
            LabEvent e = queue.poll(120, TimeUnit.SECONDS);
            if (e == null) throw new AssertionError("lab " + lab.name() + " did not finish");
            if (e instanceof LabEvent.OfVm(VmEvent.ConsoleLine l)) {
                StringBuilder b = console.computeIfAbsent(l.vm(), k -> new StringBuilder());
                if (!b.isEmpty()) b.append('\n');
                b.append(l.line());
            }
            if (e instanceof LabFinished f) {
                Map<String, Seen> out = new HashMap<>();
                for (VmResult r : f.results()) {
                    out.put(r.vm(), new Seen(r.outcome(), r.instructions(), console.getOrDefault(r.vm(), new StringBuilder()).toString()));
                }
                return out;
            }
        }
    }
}
