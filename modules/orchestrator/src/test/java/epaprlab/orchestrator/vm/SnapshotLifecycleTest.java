package epaprlab.orchestrator.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import epaprlab.orchestrator.config.LabConfig;
import epaprlab.orchestrator.config.LabConfigLoader;
import epaprlab.orchestrator.config.VmConfig;
import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.lab.LabGuardian;
import epaprlab.orchestrator.testing.LabRuns;
import epaprlab.orchestrator.testing.TestGuests;
import epaprlab.orchestrator.vm.VmEvent.ConsoleLine;
import epaprlab.orchestrator.vm.VmEvent.LifecycleChanged;
import epaprlab.orchestrator.vm.VmEvent.SnapshotTaken;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots in the supervisor's lifecycle: each trigger (the guest's hypercall, a console pattern, the
 * host) pauses every vCPU, takes the machine's snapshot and runs on; boot-once starts a lab entry's
 * other VMs from its first VM's snapshot; on-reset = snapshot returns a VM to its snapshot.
 */
@Timeout(120)
class SnapshotLifecycleTest {
    static final ActorTestKit kit = ActorTestKit.create();
    static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path SNAPSHOT_GUEST = TestGuests.SAMPLE_IMAGES.resolve("snapshot-e500mc.elf");
    private static final Path HELLO = TestGuests.SAMPLE_IMAGES.resolve("hello-e500mc.elf");

    @TempDir Path dir;

    @AfterAll
    static void stopKit() { kit.shutdownTestKit(); }

    /** Everything one VM published until it finished. */
    record Run(List<String> transitions, List<String> console, List<SnapshotTaken> snapshots, VmResult result) {}

    static Run collect(TestProbe<VmEvent> events) {
        List<String> transitions = new ArrayList<>(), console = new ArrayList<>();
        List<SnapshotTaken> snapshots = new ArrayList<>();
        while (true) {
            switch (events.receiveMessage(WAIT)) {
                case LifecycleChanged l -> transitions.add(l.to().name());
                case ConsoleLine l -> console.add(l.line());
                case SnapshotTaken s -> snapshots.add(s);
                case VmFinished f -> {
                    return new Run(transitions, console, snapshots, f.result());
                }
            }
        }
    }

    private Run run(VmConfig config) {
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        kit.spawn(VmSupervisor.create(config, events.getRef(), new ImageCache()));
        return collect(events);
    }

    @Test
    void theSnapshotHypercallPausesTakesAndRunsOnWithR4Zero() throws Exception {
        Run r = run(TestGuests.vm(dir, "snap", SNAPSHOT_GUEST, "snapshot.at = hypercall"));
        assertEquals(List.of("RUNNING", "SNAPSHOTTING", "RUNNING", "SHUTTING_DOWN", "STOPPED"), r.transitions(), r.toString());
        assertTrue(r.console().contains("snapshot taken: this VM goes on"), r.console().toString());
        assertTrue(r.console().contains("table intact: yes"), r.console().toString());
        assertEquals(1, r.snapshots().size());
        assertEquals("hypercall", r.snapshots().getFirst().trigger());
        assertEquals(Outcome.PASSED, r.result().outcome(), r.result().detail());
        assertEquals(0, r.result().restores());
    }

    @Test
    void withoutSnapshotAtHypercallTheCallIsAnsweredUnimplemented() throws Exception {
        Run r = run(TestGuests.vm(dir, "nosnap", SNAPSHOT_GUEST, ""));
        assertTrue(r.console().contains("snapshot unavailable: status 12"), r.console().toString());
        assertEquals(List.of(), r.snapshots());
        assertEquals(List.of("RUNNING", "SHUTTING_DOWN", "STOPPED"), r.transitions());
    }

    @Test
    void aConsolePatternTakesTheSnapshotOnce() throws Exception {
        Run r = run(TestGuests.vm(dir, "pat", HELLO, "snapshot { at = console, console-pattern = \"hello from \\\\S+\" }"));
        assertEquals(1, r.snapshots().size(), r.toString());
        assertEquals("console", r.snapshots().getFirst().trigger());
        assertEquals(Outcome.SHUTDOWN, r.result().outcome());
        assertEquals(List.of("RUNNING", "SNAPSHOTTING", "RUNNING", "SHUTTING_DOWN", "STOPPED"), r.transitions());
    }

    @Test
    void theHostAsksForASnapshotOfARunningVmAndItRunsOn() throws Exception {
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        VmConfig config = TestGuests.vm(dir, "idle", HELLO, "on-shutdown = decline");
        ActorRef<VmSupervisor.Command> vm = kit.spawn(VmSupervisor.create(config, events.getRef(), new ImageCache()));
        while (!(events.receiveMessage(WAIT) instanceof ConsoleLine c && c.line().startsWith("shutdown refused"))) {
            // the guest idles from now on
        }
        TestProbe<VmSupervisor.SnapshotReply> replies = kit.createTestProbe(VmSupervisor.SnapshotReply.class);
        vm.tell(new VmSupervisor.TakeSnapshot(replies.getRef()));
        VmSupervisor.SnapshotReply.Taken taken = assertInstanceOf(VmSupervisor.SnapshotReply.Taken.class, replies.receiveMessage(WAIT));
        assertEquals("idle", taken.vm());
        assertEquals(1, taken.snapshot().machine().vcpus());
        vm.tell(new VmSupervisor.TakeSnapshot(replies.getRef()));     // again: it ran on
        assertInstanceOf(VmSupervisor.SnapshotReply.Taken.class, replies.receiveMessage(WAIT));
        vm.tell(new VmSupervisor.Stop("test over"));
        Run r = collect(events);
        assertEquals(Outcome.STOPPED, r.result().outcome());
        vm.tell(new VmSupervisor.TakeSnapshot(replies.getRef()));     // gone: no answer
        replies.expectNoMessage(Duration.ofMillis(200));
    }

    /** Takes a snapshot; the VM that took it (r4 = 0) resets, the VM reset to it (r4 = 1) passes. */
    static final String RESET_TO_SNAPSHOT = """
            .globl _start
            _start:
                li 11,2
                sc 1
                cmpwi 3,0
                bne bad
                cmpwi 4,1
                beq restored
                lis 11,0x002A
                ori 11,11,0x0020
                sc 1
                b .
            restored:
                li 3,0
                li 11,1
                sc 1
                b .
            bad:
                li 3,2
                li 11,1
                sc 1
                b .
            """;

    @Test
    void onResetSnapshotStartsTheSecondBootFromTheSnapshotWhereTheGuestSeesR4One() throws Exception {
        Path elf = TestGuests.elf(dir, "reset-to-snap", RESET_TO_SNAPSHOT);
        Run r = run(TestGuests.vm(dir, "rs", elf, "snapshot.at = hypercall\non-reset = snapshot"));
        assertEquals(Outcome.PASSED, r.result().outcome(), r.result().detail() + " " + r.transitions());
        assertEquals(List.of("RUNNING", "SNAPSHOTTING", "RUNNING", "RESETTING", "RESTORING", "RUNNING", "SHUTTING_DOWN", "STOPPED"),
                r.transitions());
        assertEquals(1, r.result().boots());
        assertEquals(1, r.result().restores());
        assertEquals(1, r.result().guestResets());
        assertTrue(r.result().restoredFrom().orElseThrow().startsWith("snapshot of vm rs"), r.result().restoredFrom().toString());
    }

    @Test
    void withoutASnapshotYetOnResetSnapshotRestartsInFull() throws Exception {
        Run r = run(TestGuests.vm(dir, "loop", TestGuests.SAMPLE_IMAGES.resolve("reset-loop-e500mc.elf"), "on-reset = snapshot"));
        assertEquals(Outcome.SHUTDOWN, r.result().outcome());
        assertEquals(3, r.result().boots());
        assertEquals(0, r.result().restores());
    }

    /**
     * A guest that resets to its snapshot in place again and again: the instruction limit counts
     * what it executed over every restore (each one rewinds the retired count to the snapshot's),
     * and so does the result, once each.
     */
    @Test
    void theInstructionLimitAndTheCountHoldAcrossResetsToTheSnapshotInPlace() throws Exception {
        Run r = run(TestGuests.vm(dir, "loop", TestGuests.SAMPLE_IMAGES.resolve("reset-loop-e500mc.elf"), """
                on-reset = snapshot
                bootargs = "max-boots=1000000"
                snapshot { at = console, console-pattern = "boot 1 reason power-on\\n" }
                limits { max-instructions = 400000, wall-timeout = 20s }
                expect = instruction-limit"""));
        assertEquals(Outcome.INSTRUCTION_LIMIT, r.result().outcome(), r.result().detail());
        assertTrue(r.result().guestResets() > 10, "it reset to its snapshot in place: " + r.result().guestResets());
        assertEquals(400_000, r.result().instructions(), "every instruction once, none after the limit");
    }

    private List<LabEvent> runLab(String body) throws Exception {
        Path file = Files.writeString(dir.resolve("lab.conf"), "lab {\n" + body + "\n}\n");
        LabConfig lab = LabConfigLoader.withDefaults().load(file);
        return LabRuns.untilFinished(kit, observer -> LabGuardian.create(lab, observer));
    }

    private static List<String> console(List<LabEvent> events, String vm) {
        return events.stream().filter(e -> e instanceof LabEvent.OfVm(ConsoleLine c) && c.vm().equals(vm))
                .map(e -> ((ConsoleLine) ((LabEvent.OfVm) e).event()).line()).toList();
    }

    @Test
    void bootOnceBootsTheFirstVmAndStartsEveryOtherFromItsSnapshot() throws Exception {
        List<LabEvent> events = runLab("concurrency = 3\nvms = [ { name = c, image = \"" + SNAPSHOT_GUEST
                + "\", count = 5, boot-once = true, snapshot.at = hypercall } ]");
        LabFinished end = (LabFinished) events.getLast();
        assertTrue(end.allAsExpected(), end.results().toString());
        VmResult source = end.results().getFirst();
        assertEquals(1, source.boots());
        assertEquals(0, source.restores());
        assertTrue(console(events, "c-1").contains("snapshot taken: this VM goes on"), console(events, "c-1").toString());
        for (VmResult clone : end.results().subList(1, 5)) {
            assertEquals(Outcome.PASSED, clone.outcome(), clone.detail());
            assertEquals(0, clone.boots(), clone.vm());
            assertEquals(1, clone.restores(), clone.vm());
            assertTrue(clone.restoredFrom().orElseThrow().startsWith("snapshot of vm c-1 "), clone.restoredFrom().toString());
            List<String> lines = console(events, clone.vm());
            assertEquals(List.of("snapshot restored: started from it", "starts since the snapshot: 1", "table intact: yes"),
                    lines, clone.vm());
            assertTrue(clone.instructions() < source.instructions() / 4, "a clone skips the setup: " + clone.instructions()
                    + " of " + source.instructions());
        }
    }

    @Test
    void clonesWaitForTheirSourceAndBootInFullFirstWhenItEndsWithoutASnapshot() throws Exception {
        List<LabEvent> events = runLab("concurrency = 1\nvms = [ { name = h, image = \"" + HELLO
                + "\", count = 4, boot-once = true, snapshot { at = console, console-pattern = \"never printed\" } },"
                + " { name = solo, image = \"" + HELLO + "\" } ]");
        LabFinished end = (LabFinished) events.getLast();
        assertTrue(end.allAsExpected(), end.results().toString());
        assertEquals(List.of("h-1", "h-2", "h-3", "h-4", "solo"), end.results().stream().map(VmResult::vm).toList());
        for (VmResult vm : end.results()) {
            assertEquals(1, vm.boots(), vm.vm());           // no snapshot: every clone boots in full
            assertEquals(0, vm.restores(), vm.vm());
        }
        List<String> running = events.stream()
                .filter(e -> e instanceof LabEvent.OfVm(LifecycleChanged l) && l.to() == Lifecycle.RUNNING)
                .map(e -> ((LifecycleChanged) ((LabEvent.OfVm) e).event()).vm()).toList();
        // parked until their source ended, the clones then go first, in lab order, before the VM behind them
        assertEquals(List.of("h-1", "h-2", "h-3", "h-4", "solo"), running);
    }
}
