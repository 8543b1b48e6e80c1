package epaprlab.orchestrator.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import epaprlab.orchestrator.config.LabConfig;
import epaprlab.orchestrator.config.LabConfigLoader;
import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.testing.LabRuns;
import epaprlab.orchestrator.testing.TestGuests;
import epaprlab.orchestrator.vm.Lifecycle;
import epaprlab.orchestrator.vm.Outcome;
import epaprlab.orchestrator.vm.VmEvent;
import epaprlab.orchestrator.vm.VmEvent.ConsoleLine;
import epaprlab.orchestrator.vm.VmEvent.LifecycleChanged;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import epaprlab.orchestrator.vm.VmResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Labs: many VMs in one actor system, each ending on its own, none disturbing another. */
class LabGuardianTest {
    static final ActorTestKit kit = ActorTestKit.create();

    @TempDir Path dir;

    @AfterAll
    static void stopKit() { kit.shutdownTestKit(); }

    /** Runs a lab and returns every event it published, ending with its LabFinished. */
    private static List<LabEvent> run(LabConfig lab) throws InterruptedException {
        return LabRuns.untilFinished(kit, observer -> LabGuardian.create(lab, observer));
    }

    private static List<VmEvent> of(List<LabEvent> events, String vm) {
        return events.stream().filter(e -> e instanceof LabEvent.OfVm(VmEvent v) && v.vm().equals(vm))
                .map(e -> ((LabEvent.OfVm) e).event()).toList();
    }

    @Test
    void quickstartLabRunsAllFourGuestsToTheirExpectedEnd() throws Exception {
        LabConfig lab = LabConfigLoader.withDefaults().load(Path.of("../../sample-vms/quickstart.conf"));
        List<LabEvent> events = run(lab);
        LabFinished finished = (LabFinished) events.getLast();
        assertTrue(finished.allAsExpected(), finished.results().toString());
        Map<String, VmResult> byName = finished.results().stream().collect(Collectors.toMap(VmResult::vm, Function.identity()));
        assertEquals(List.of("hello-32", "hello-64", "reset-loop-32", "reset-loop-64"),
                finished.results().stream().map(VmResult::vm).toList(), "results come in lab order");
        assertEquals(1, byName.get("hello-32").boots());
        assertEquals(3, byName.get("reset-loop-64").boots());
        assertEquals(List.of("hello from hello-32 (32-bit, has-reset=yes, has-shutdown=yes)"), console(events, "hello-32"));
        assertEquals(List.of("hello from hello-64 (64-bit, has-reset=yes, has-shutdown=yes)"), console(events, "hello-64"));
        for (String vm : List.of("reset-loop-32", "reset-loop-64")) {
            assertEquals(List.of("boot 1 reason power-on", "boot 2 reason guest-reset", "boot 3 reason guest-reset"),
                    console(events, vm));
        }
    }

    @Test
    void anObserverOfRunningTransitionsOnlyGetsThoseAndTheSameResults() throws Exception {
        LabConfig lab = LabConfigLoader.withDefaults().load(Path.of("../../sample-vms/quickstart.conf"));
        List<LabEvent> every = run(lab);
        List<LabEvent> fewer = LabRuns.untilFinished(kit, observer -> LabGuardian.create(lab, new LabObserver() {
            @Override public void onEvent(LabEvent event) { observer.onEvent(event); }

            @Override public boolean wantsEveryTransition() { return false; }
        }));
        assertEquals(Lifecycle.SHUTTING_DOWN, transitions(every, "hello-32").get(1), "by default every transition comes");
        for (String vm : List.of("hello-32", "reset-loop-64")) {
            assertEquals(transitions(every, vm).stream().filter(l -> l == Lifecycle.RUNNING).toList(), transitions(fewer, vm),
                    vm + ": only its transitions into RUNNING, one per boot");
            assertEquals(console(every, vm), console(fewer, vm));
        }
        assertEquals(3, transitions(fewer, "reset-loop-64").size());
        LabFinished a = (LabFinished) every.getLast(), b = (LabFinished) fewer.getLast();
        assertEquals(a.results().stream().map(r -> r.vm() + "=" + r.outcome() + "/" + r.boots()).toList(),
                b.results().stream().map(r -> r.vm() + "=" + r.outcome() + "/" + r.boots()).toList());
        assertTrue(LabObserver.all(List.<LabObserver>of(e -> { }, fewerObserver())).wantsEveryTransition(),
                "a fan-out wants every transition when one of its observers does");
        assertFalse(LabObserver.all(List.of(fewerObserver(), fewerObserver())).wantsEveryTransition());
    }

    private static LabObserver fewerObserver() {
        return new LabObserver() {
            @Override public void onEvent(LabEvent event) { }

            @Override public boolean wantsEveryTransition() { return false; }
        };
    }

    private static List<Lifecycle> transitions(List<LabEvent> events, String vm) {
        return of(events, vm).stream().filter(e -> e instanceof LifecycleChanged).map(e -> ((LifecycleChanged) e).to()).toList();
    }

    private static List<String> console(List<LabEvent> events, String vm) {
        return of(events, vm).stream().filter(e -> e instanceof ConsoleLine).map(e -> ((ConsoleLine) e).line()).toList();
    }

    @Test
    void aCrashingVmLeavesItsNeighboursRunning() throws Exception {
        Path crash = TestGuests.elf(dir, "crash", TestGuests.CRASH);
        Path spin = TestGuests.elf(dir, "spin", TestGuests.SPIN);
        LabConfig lab = new LabConfig("isolation", dir.resolve("lab.conf"), 16, List.of(
                TestGuests.vm(dir, "crasher", crash, ""),
                TestGuests.vm(dir, "spinner", spin, "limits.wall-timeout = 3s\n  expect = timed-out"),
                TestGuests.vm(dir, "hello", TestGuests.SAMPLE_IMAGES.resolve("hello-e500mc.elf"), "")));
        List<LabEvent> events = run(lab);
        LabFinished finished = (LabFinished) events.getLast();
        assertTrue(finished.allAsExpected() == false, "the crasher expected shutdown and failed");
        Map<String, VmResult> byName = finished.results().stream().collect(Collectors.toMap(VmResult::vm, Function.identity()));
        assertEquals(Outcome.CRASHED, byName.get("crasher").outcome());
        assertEquals(Outcome.TIMED_OUT, byName.get("spinner").outcome());
        assertTrue(byName.get("spinner").asExpected());
        assertEquals(Outcome.SHUTDOWN, byName.get("hello").outcome());

        int crasherEnded = events.indexOf(events.stream()
                .filter(e -> e instanceof LabEvent.OfVm(VmFinished f) && f.vm().equals("crasher")).findFirst().orElseThrow());
        List<Lifecycle> spinner = of(events, "spinner").stream().filter(e -> e instanceof LifecycleChanged)
                .map(e -> ((LifecycleChanged) e).to()).toList();
        assertEquals(List.of(Lifecycle.RUNNING, Lifecycle.SHUTTING_DOWN, Lifecycle.STOPPED), spinner,
                "the spinner ran undisturbed until its own timeout");
        int spinnerStopping = events.indexOf(events.stream().filter(e -> e instanceof LabEvent.OfVm(LifecycleChanged l)
                && l.vm().equals("spinner") && l.to() == Lifecycle.SHUTTING_DOWN).findFirst().orElseThrow());
        assertTrue(crasherEnded < spinnerStopping, "the spinner was still running after the crash");
        assertTrue(byName.get("spinner").instructions() > 1_000_000, "the spinner kept executing");
        assertFalse(byName.get("crasher").asExpected());
    }

    @Test
    void busyGuestsCannotStarveTheOthers() throws Exception {
        Path spin = TestGuests.elf(dir, "spin", TestGuests.SPIN);
        Path chaos = TestGuests.SAMPLE_IMAGES.resolve("chaos-e500mc.elf");
        List<epaprlab.orchestrator.config.VmConfig> vms = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            vms.add(TestGuests.vm(dir, "spinner-" + i, spin, "limits.wall-timeout = 4s\n  expect = timed-out"));
        }
        vms.add(TestGuests.vm(dir, "hello", TestGuests.SAMPLE_IMAGES.resolve("hello-e500mc.elf"), ""));
        vms.add(TestGuests.vm(dir, "resetter", chaos, "bootargs = \"mode=reset-forever\"\n  limits.wall-timeout = 4s\n"
                + "  expect = timed-out"));
        List<LabEvent> events = run(new LabConfig("fairness", dir.resolve("lab.conf"), 64, vms));
        LabFinished finished = (LabFinished) events.getLast();
        assertTrue(finished.allAsExpected(), finished.results().toString());
        int helloEnded = -1, firstSpinnerStopping = Integer.MAX_VALUE;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof LabEvent.OfVm(VmFinished f) && f.vm().equals("hello")) helloEnded = i;
            if (events.get(i) instanceof LabEvent.OfVm(LifecycleChanged l) && l.vm().startsWith("spinner")
                    && l.to() == Lifecycle.SHUTTING_DOWN) firstSpinnerStopping = Math.min(firstSpinnerStopping, i);
        }
        assertTrue(helloEnded >= 0 && helloEnded < firstSpinnerStopping,
                "hello must finish while eight guests spin, not after their timeout");
        VmResult resetter = finished.results().stream().filter(r -> r.vm().equals("resetter")).findFirst().orElseThrow();
        assertTrue(resetter.guestResets() >= 50, "the resetter kept resetting next to the spinners: " + resetter.guestResets());
    }

    /**
     * Wall-clock limits run on one timer thread for every VM (vm/WallDeadlines): each VM still ends
     * at its own limit, not before it and not at another VM's, while short VMs start and end next
     * to it (their deadlines armed and cancelled).
     */
    @Test
    void eachVmEndsAtItsOwnWallClockLimit() throws Exception {
        Path spin = TestGuests.elf(dir, "spin", TestGuests.SPIN);
        List<epaprlab.orchestrator.config.VmConfig> vms = new ArrayList<>();
        List<Integer> limitsMs = List.of(2400, 800, 1600);
        for (int i = 0; i < limitsMs.size(); i++) {
            vms.add(TestGuests.vm(dir, "spinner-" + i, spin, "limits.wall-timeout = " + limitsMs.get(i) + "ms\n  expect = timed-out"));
        }
        for (int i = 0; i < 50; i++) vms.add(TestGuests.vm(dir, "hello-" + i, TestGuests.SAMPLE_IMAGES.resolve("hello-e500mc.elf"), ""));
        LabFinished finished = (LabFinished) run(new LabConfig("limits", dir.resolve("lab.conf"), 8, vms)).getLast();
        assertTrue(finished.allAsExpected(), finished.results().toString());
        for (int i = 0; i < limitsMs.size(); i++) {
            VmResult r = finished.results().get(i);
            long ms = r.wallTime().toMillis();
            assertEquals(Outcome.TIMED_OUT, r.outcome());
            assertEquals("no end within the wall-clock limit of "
                    + epaprlab.orchestrator.config.Durations.format(java.time.Duration.ofMillis(limitsMs.get(i))), r.detail());
            assertTrue(ms >= limitsMs.get(i), r.vm() + " ended after " + ms + " ms, before its limit of " + limitsMs.get(i));
            // well before the next limit (800 ms apart): not another VM's deadline
            assertTrue(ms < limitsMs.get(i) + 700, r.vm() + " ended after " + ms + " ms, late for its limit of " + limitsMs.get(i));
        }
    }
}
