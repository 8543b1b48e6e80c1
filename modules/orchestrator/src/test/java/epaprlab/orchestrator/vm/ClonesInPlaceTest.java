package epaprlab.orchestrator.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import epaprlab.orchestrator.admission.VmCharge;
import epaprlab.orchestrator.config.LabConfig;
import epaprlab.orchestrator.config.LabConfigLoader;
import epaprlab.orchestrator.config.VmConfig;
import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.lab.LabGuardian;
import epaprlab.orchestrator.lab.LabObserver;
import epaprlab.orchestrator.snapshot.VmSnapshot;
import epaprlab.orchestrator.testing.LabRuns;
import epaprlab.orchestrator.testing.TestGuests;
import epaprlab.orchestrator.vcpu.HypercallCounts;
import epaprlab.orchestrator.vm.VmEvent.ConsoleLine;
import epaprlab.orchestrator.vm.VmEvent.LifecycleChanged;
import epaprlab.orchestrator.vm.VmEvent.SnapshotTaken;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A supervisor that runs clones one after another ({@link VmSupervisor#createTakingClones}): each
 * clone is a VM of its own (its result, console, limits, events), and nothing late of one clone
 * (its vCPU loop's reports, console matches, timers, wall-clock limit) reaches the next.
 */
@Timeout(120)
class ClonesInPlaceTest {
    static final ActorTestKit kit = ActorTestKit.create();
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir Path dir;

    @AfterAll
    static void stopKit() { kit.shutdownTestKit(); }

    /** Takes a snapshot (EPAPRLAB_HC_SNAPSHOT), then prints "X" and spins 65,536 loops, forever. */
    static final String PRINT_FOREVER = """
            .globl _start
            _start:
                li 11,2
                sc 1
            loop:
                li 3,0
                li 4,2
                lis 5,0x580A
                lis 11,0x0001
                ori 11,11,0x0001
                sc 1
                lis 9,0x0001
                mtctr 9
            spin:
                bdnz spin
                b loop
            """;

    /** Takes a snapshot, then executes word 0 (no handler): a crash. */
    static final String CRASH_AFTER = """
            .globl _start
            _start:
                li 11,2
                sc 1
                .long 0
            """;

    /** Takes a snapshot, then reports result 0. */
    static final String PASS_AFTER = """
            .globl _start
            _start:
                li 11,2
                sc 1
                li 3,0
                li 11,1
                sc 1
                b .
            """;

    /** The snapshot {@code asm}'s guest takes of itself (its VM is stopped then). */
    private VmSnapshot snapshotOf(String name, String asm) throws Exception {
        VmConfig config = TestGuests.vm(dir, name, TestGuests.elf(dir, name, asm), "snapshot.at = hypercall");
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        ActorRef<VmSupervisor.Command> vm = kit.spawn(VmSupervisor.create(config, events.getRef(), new ImageCache()));
        VmSnapshot taken = null;
        while (true) {
            VmEvent e = events.receiveMessage(WAIT);
            if (e instanceof SnapshotTaken t && taken == null) {
                taken = t.snapshot();
                vm.tell(new VmSupervisor.Stop("the test has its snapshot"));
            }
            if (e instanceof VmFinished) break;
        }
        assertTrue(taken != null, name + " took no snapshot");
        return taken;
    }

    private VmConfig clone(String name, String guest, String keys) throws Exception {
        return TestGuests.vm(dir, name, dir.resolve(guest + ".elf"), keys);
    }

    /** Every event one clone published, up to its end. */
    record Clone(String vm, List<VmEvent> events, VmResult result) {}

    /** The events of the clone running now, which must all be its own, up to its VmFinished. */
    private static Clone next(TestProbe<VmEvent> events, String vm) {
        List<VmEvent> seen = new ArrayList<>();
        while (true) {
            VmEvent e = events.receiveMessage(WAIT);
            assertEquals(vm, e.vm(), "an event of another VM while " + vm + " runs: " + e);
            seen.add(e);
            if (e instanceof VmFinished f) return new Clone(vm, seen, f.result());
        }
    }

    private static ActorRef<VmSupervisor.Command> taker(VmConfig first, VmSnapshot from, TestProbe<VmEvent> events) {
        return kit.spawn(VmSupervisor.createTakingClones(first, events.getRef(), new ImageCache(), VmCharge.unlimited(), from,
                new HypercallCounts(), true));
    }

    @Test
    void aLateConsoleMatchOfTheCloneBeforeNeverReachesTheNext() throws Exception {
        VmSnapshot printing = snapshotOf("print", PRINT_FOREVER);
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        // a: every line matches its fail pattern (not ending it): each of its turns sends the actor a console
        // match. Stopped with the next clone right behind the stop, its matches sent meanwhile come after both.
        // b has no pattern: a console match reaching it would end it as FAILED instead of at its own wall limit.
        VmConfig a1 = clone("a-1", "print", "result { fail-pattern = X, end-on-result = off }");
        ActorRef<VmSupervisor.Command> actor = taker(a1, printing, events);
        for (int i = 1; i <= 8; i++) {
            String a = "a-" + i, b = "b-" + i;
            VmEvent first;
            do {
                first = events.receiveMessage(WAIT);
                assertEquals(a, first.vm());
            } while (!(first instanceof ConsoleLine));
            actor.tell(new VmSupervisor.Stop("the test"));
            actor.tell(new VmSupervisor.RunNext(clone(b, "print", "limits.wall-timeout = 150ms"), VmCharge.unlimited(), printing));
            Clone stopped = next(events, a);
            assertEquals(Outcome.STOPPED, stopped.result().outcome(), stopped.result().detail());
            Clone timedOut = next(events, b);
            assertEquals(Outcome.TIMED_OUT, timedOut.result().outcome(), timedOut.result().detail());
            assertTrue(timedOut.result().wallTime().compareTo(Duration.ofMillis(150)) >= 0, timedOut.result().toString());
            assertEquals(1, timedOut.result().restores());
            if (i < 8) {
                actor.tell(new VmSupervisor.RunNext(clone("a-" + (i + 1), "print",
                        "result { fail-pattern = X, end-on-result = off }"), VmCharge.unlimited(), printing));
            }
        }
        actor.tell(VmSupervisor.Retire.INSTANCE);
        events.expectNoMessage(Duration.ofMillis(300));
    }

    @Test
    void aCrashedCloneLeavesNothingToTheNextWhichPasses() throws Exception {
        VmSnapshot crashing = snapshotOf("crash", CRASH_AFTER);
        VmSnapshot passing = snapshotOf("pass", PASS_AFTER);
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        ActorRef<VmSupervisor.Command> actor = taker(clone("c-1", "crash", ""), crashing, events);
        Clone crashed = next(events, "c-1");
        assertEquals(Outcome.CRASHED, crashed.result().outcome(), crashed.result().detail());
        assertTrue(crashed.result().crash().isPresent(), "a crash report");
        assertEquals(List.of("RUNNING", "FAILED"), transitions(crashed));

        actor.tell(new VmSupervisor.RunNext(clone("p-1", "pass", ""), VmCharge.unlimited(), passing));
        Clone passed = next(events, "p-1");
        VmResult r = passed.result();
        assertEquals(Outcome.PASSED, r.outcome(), r.detail());
        assertEquals(0, r.boots());
        assertEquals(1, r.restores());
        assertEquals(0, r.restarts());
        assertTrue(r.crash().isEmpty(), "no crash report of the clone before");
        assertTrue(r.instructions() < 20, "only its own instructions: " + r.instructions());
        assertTrue(r.restoredFrom().orElseThrow().startsWith("snapshot of vm pass "), r.restoredFrom().toString());
        assertEquals(List.of("RUNNING", "SHUTTING_DOWN", "STOPPED"), transitions(passed));

        actor.tell(new VmSupervisor.RunNext(clone("c-2", "crash", ""), VmCharge.unlimited(), crashing));
        assertEquals(Outcome.CRASHED, next(events, "c-2").result().outcome());
        actor.tell(VmSupervisor.Retire.INSTANCE);
    }

    @Test
    void eachCloneHasItsOwnWallClockLimit() throws Exception {
        VmSnapshot printing = snapshotOf("print", PRINT_FOREVER);
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        // a limit of 200 ms, then none (ended by its instruction limit instead), then one of 400 ms from its own start
        ActorRef<VmSupervisor.Command> actor = taker(clone("w-1", "print", "limits.wall-timeout = 200ms"), printing, events);
        VmResult limited = next(events, "w-1").result();
        assertEquals(Outcome.TIMED_OUT, limited.outcome(), limited.detail());
        assertTrue(limited.wallTime().compareTo(Duration.ofMillis(200)) >= 0, limited.toString());

        actor.tell(new VmSupervisor.RunNext(clone("n-1", "print", "limits.max-instructions = 3000000"), VmCharge.unlimited(),
                printing));
        VmResult unlimited = next(events, "n-1").result();
        assertEquals(Outcome.INSTRUCTION_LIMIT, unlimited.outcome(), unlimited.detail());

        actor.tell(new VmSupervisor.RunNext(clone("w-2", "print", "limits.wall-timeout = 400ms"), VmCharge.unlimited(), printing));
        VmResult own = next(events, "w-2").result();
        assertEquals(Outcome.TIMED_OUT, own.outcome(), own.detail());
        assertTrue(own.wallTime().compareTo(Duration.ofMillis(400)) >= 0, "its own 400 ms, from its own start: " + own);

        // a limit of 300 ms that never runs out (its instruction limit ends it first), then one of 700 ms:
        // the deadline still armed for the first must not end the second early
        actor.tell(new VmSupervisor.RunNext(clone("s-1", "print", "limits { wall-timeout = 300ms, max-instructions = 200000 }"),
                VmCharge.unlimited(), printing));
        VmResult shortLimit = next(events, "s-1").result();
        assertEquals(Outcome.INSTRUCTION_LIMIT, shortLimit.outcome(), shortLimit.detail());
        assertTrue(shortLimit.wallTime().compareTo(Duration.ofMillis(300)) < 0, shortLimit.toString());
        actor.tell(new VmSupervisor.RunNext(clone("l-1", "print", "limits.wall-timeout = 700ms"), VmCharge.unlimited(), printing));
        VmResult longer = next(events, "l-1").result();
        assertEquals(Outcome.TIMED_OUT, longer.outcome(), longer.detail());
        assertTrue(longer.wallTime().compareTo(Duration.ofMillis(700)) >= 0, "its own 700 ms, not the 300 ms before: " + longer);
        actor.tell(VmSupervisor.Retire.INSTANCE);
    }

    private static List<String> transitions(Clone clone) {
        return clone.events().stream().filter(e -> e instanceof LifecycleChanged)
                .map(e -> ((LifecycleChanged) e).to().name()).toList();
    }

    private LabConfig lab(String body) throws Exception {
        return LabConfigLoader.withDefaults().load(Files.writeString(dir.resolve("lab.conf"), "lab {\n" + body + "\n}\n"));
    }

    @Test
    void inALabEveryCloneKeepsItsOwnEventsInOrderWithinTheConcurrencyLimit() throws Exception {
        Path snapshotGuest = TestGuests.SAMPLE_IMAGES.resolve("snapshot-e500mc.elf");
        LabConfig lab = lab("concurrency = 3\nvms = [ { name = h, image = \"" + snapshotGuest + "\", count = 60, boot-once = true,"
                + " snapshot.at = hypercall },"
                + " { name = solo, image = \"" + TestGuests.SAMPLE_IMAGES.resolve("hello-e500mc.elf") + "\" } ]");
        List<LabEvent> all = LabRuns.untilFinished(kit, observer -> LabGuardian.create(lab, observer));
        LabFinished end = (LabFinished) all.getLast();
        assertTrue(end.allAsExpected(), end.results().toString());
        assertEquals(61, end.results().size());
        Map<String, List<String>> byVm = new HashMap<>();
        Set<String> running = new HashSet<>();
        int most = 0;
        for (LabEvent e : all) {
            if (!(e instanceof LabEvent.OfVm(VmEvent v))) continue;
            String what = switch (v) {
                case LifecycleChanged l -> l.from() + ">" + l.to();
                case ConsoleLine l -> l.line();
                case SnapshotTaken s -> "snapshot";
                case VmFinished f -> "end:" + f.result().outcome();
            };
            byVm.computeIfAbsent(v.vm(), k -> new ArrayList<>()).add(what);
            if (v instanceof LifecycleChanged l && l.to() == Lifecycle.RUNNING) running.add(v.vm());
            if (v instanceof VmFinished) running.remove(v.vm());
            most = Math.max(most, running.size());
        }
        assertTrue(most <= 3, "at most 3 VMs run at once: " + most);
        for (VmResult clone : end.results().subList(1, 60)) {
            // the snapshot guest's clone counts its starts in RAM (a board that ran a clone before serves the next:
            // what that clone wrote must be gone) and checks a table, then passes
            assertEquals(List.of("RESTORING>RUNNING", "snapshot restored: started from it", "starts since the snapshot: 1",
                    "table intact: yes", "RUNNING>SHUTTING_DOWN", "SHUTTING_DOWN>STOPPED", "end:PASSED"),
                    byVm.get(clone.vm()), clone.vm());
        }
        assertEquals("end:SHUTDOWN", byVm.get(end.results().getLast().vm()).getLast());
        long instructions = end.results().get(1).instructions();
        for (VmResult r : end.results().subList(1, 60)) {
            assertEquals(1, r.restores(), r.vm());
            // each counts only its own, on a board of its own or one a clone before ran on
            assertEquals(instructions, r.instructions(), r.vm());
        }
    }

    @Test
    void theHostStopsRunningAndWaitingClonesAndNoneIsLost() throws Exception {
        Path print = TestGuests.elf(dir, "print", PRINT_FOREVER);
        LabConfig lab = lab("concurrency = 4\nvms = [ { name = p, image = \"" + print + "\", count = 40, boot-once = true,"
                + " snapshot.at = hypercall } ]");
        LinkedBlockingQueue<LabEvent> queue = new LinkedBlockingQueue<>();
        LabObserver observer = queue::add;
        ActorRef<LabGuardian.Command> guardian = kit.spawn(LabGuardian.create(lab, observer));
        Set<String> running = new HashSet<>();
        List<LabEvent> seen = new ArrayList<>();
        while (running.size() < 4) {        // the source and three clones
            LabEvent e = queue.poll(30, TimeUnit.SECONDS);
            assertTrue(e != null, "four VMs never ran: " + seen);
            seen.add(e);
            if (e instanceof LabEvent.OfVm(LifecycleChanged l) && l.to() == Lifecycle.RUNNING) running.add(l.vm());
        }
        guardian.tell(new LabGuardian.StopAll("the test"));
        LabFinished end;
        while (true) {
            LabEvent e = queue.poll(30, TimeUnit.SECONDS);
            assertTrue(e != null, "the lab did not end");
            if (e instanceof LabFinished f) {
                end = f;
                break;
            }
        }
        assertEquals(40, end.results().size());
        for (VmResult r : end.results()) {
            assertEquals(Outcome.STOPPED, r.outcome(), r.vm() + ": " + r.detail());
            assertTrue(r.detail().startsWith(running.contains(r.vm()) ? "stopped by the host: the test"
                    : "stopped by the host before it started"), r.vm() + ": " + r.detail());
        }
    }
}
