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
 * Exact replay: guests on the instruction time base give the same instruction count, console,
 * outcome and crash report (per vCPU: instructions, PC, registers, last branches) on each of 20
 * runs, in labs that differ in order, concurrency and the other guests they run beside (busy,
 * SMP, spamming, wall-clock ones). Covers every ending a guest reaches by itself: the result
 * hypercall (pass, fail), a console line matching the pass pattern, a crash, the instruction
 * limit, the watchdog and a shutdown; a four-vCPU VM whose guest never releases its secondaries;
 * and VMs whose vCPUs interact, which take turns ({@link epaprlab.orchestrator.vcpu.Baton}):
 * four vCPUs adding to one counter with lwarx/stwcx. (to the end, and stopped by the instruction
 * limit in the middle of it), a doorbell that wakes a vCPU waiting with nothing armed (2 and 4
 * vCPUs, to the end and stopped in the middle), and guest resets with released secondaries.
 */
@Timeout(900)
class ExactReplayTest {
    static final ActorTestKit kit = ActorTestKit.create();
    static final int RUNS = 20;

    @TempDir Path dir;

    @AfterAll
    static void stopKit() { kit.shutdownTestKit(); }

    record Seen(Outcome outcome, long instructions, String console, String crash) {}

    @Test
    void twentyRunsInDifferentLabsAreIdentical() throws Exception {
        Path c32 = TestGuests.SAMPLE_IMAGES.resolve("chaos-e500mc.elf"), c64 = TestGuests.SAMPLE_IMAGES.resolve("chaos-e5500.elf");
        Path smp32 = TestGuests.SAMPLE_IMAGES.resolve("smp-counter-e500mc.elf"), smp64 = TestGuests.SAMPLE_IMAGES.resolve("smp-counter-e5500.elf");
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
                TestGuests.vm(dir, "demo64", TestGuests.SAMPLE_IMAGES.resolve("gdb-demo-e5500.elf"), "cpu = e5500"),
                // vCPUs that interact: shared counter, doorbells, resets with released secondaries
                TestGuests.vm(dir, "smp4", smp64, "cpu = e5500\n  vcpus = 4"),
                TestGuests.vm(dir, "smp4limit", smp32, "vcpus = 4\n  limits.max-instructions = 2345678\n  debug.trace-branches = 8"),
                TestGuests.vm(dir, "doorbell2", c32, "vcpus = 2\n  bootargs = \"mode=doorbell\""),
                TestGuests.vm(dir, "doorbell4", c64, "cpu = e5500\n  vcpus = 4\n  bootargs = \"mode=doorbell\""),
                TestGuests.vm(dir, "doorbell2limit", c64, "cpu = e5500\n  vcpus = 2\n  bootargs = \"mode=doorbell\"\n"
                        + "  limits.max-instructions = 300000\n  debug.trace-branches = 8"),
                TestGuests.vm(dir, "smpreset3", c32, "vcpus = 3\n  bootargs = \"mode=smp-reset\""));
        List<VmConfig> noise = List.of(
                TestGuests.vm(dir, "smp", TestGuests.SAMPLE_IMAGES.resolve("smp-counter-e5500.elf"), "cpu = e5500\n  vcpus = 4"),
                TestGuests.vm(dir, "spam", c64, "cpu = e5500\n  bootargs = \"mode=spam\""),
                TestGuests.vm(dir, "busy", c32, "bootargs = \"mode=hang\"\n  limits.max-instructions = 3000000"),
                TestGuests.vm(dir, "wall", c32, "bootargs = \"mode=hang\"\n  time-base = wall-clock\n  limits.max-instructions = 2000000"),
                // its vCPUs run at once, as every wall-clock VM's do
                TestGuests.vm(dir, "wallsmp", smp32, "vcpus = 4\n  time-base = wall-clock"));
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
        assertEquals(new Seen(Outcome.PASSED, first.get("smp4").instructions(), "counter=4000000 expected=4000000", ""), first.get("smp4"));
        assertEquals(Outcome.INSTRUCTION_LIMIT, first.get("smp4limit").outcome());
        assertEquals(4, first.get("smp4limit").crash().split("\n(?=vCPU )").length, first.get("smp4limit").crash());
        assertTrue(first.get("smp4limit").crash().contains("[2345678 instructions]"), first.get("smp4limit").crash());
        for (String db : List.of("doorbell2", "doorbell4")) {
            assertEquals(Outcome.PASSED, first.get(db).outcome());
            assertTrue(first.get(db).console().endsWith("vCPU 1 woke up for the doorbell"), first.get(db).console());
        }
        assertEquals(Outcome.INSTRUCTION_LIMIT, first.get("doorbell2limit").outcome());
        assertEquals(Outcome.PASSED, first.get("smpreset3").outcome());
        assertTrue(first.get("smpreset3").console().contains("boot 3 of 3 vCPUs"), first.get("smpreset3").console());
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
                    out.put(r.vm(), new Seen(r.outcome(), r.instructions(), console.getOrDefault(r.vm(), new StringBuilder()).toString(),
                            r.crash().map(CrashReport::render).orElse("")));
                }
                return out;
            }
        }
    }
}
