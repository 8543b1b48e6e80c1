package epaprlab.orchestrator.vm;

import static epaprlab.orchestrator.vm.Lifecycle.BOOTING;
import static epaprlab.orchestrator.vm.Lifecycle.RESETTING;
import static epaprlab.orchestrator.vm.Lifecycle.RUNNING;
import static epaprlab.orchestrator.vm.Lifecycle.SHUTTING_DOWN;
import static epaprlab.orchestrator.vm.Lifecycle.STOPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.ActorIdentity;
import akka.actor.ActorSelection;
import akka.actor.Identify;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import epaprlab.orchestrator.config.VmConfig;
import epaprlab.ppc.cpu.Cpu;
import epaprlab.orchestrator.testing.TestGuests;
import epaprlab.orchestrator.testing.VmRun;
import epaprlab.orchestrator.vm.VmEvent.LifecycleChanged;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One VM under its supervisor: reset replaces the whole subtree, shutdown ends it, stop is prompt. */
class VmSupervisorTest {
    static final ActorTestKit kit = ActorTestKit.create();   // 2.6.21 has no JUnit 5 extension
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir Path dir;

    @AfterAll
    static void stopKit() { kit.shutdownTestKit(); }

    private VmConfig sample(String program, String cpu) throws Exception {
        return TestGuests.vm(dir, program + "-" + cpu, TestGuests.SAMPLE_IMAGES.resolve(program + "-" + cpu + ".elf"),
                "cpu = " + cpu);
    }

    @Test
    void resetStopsTheSubtreeAndBootsAgainFromThePristineImage() throws Exception {
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        kit.spawn(VmSupervisor.create(sample("reset-loop", "e500mc"), events.getRef(), new ImageCache()));
        VmRun run = VmRun.collect(events, WAIT);
        assertEquals(List.of(RUNNING, RESETTING, BOOTING, RUNNING, RESETTING, BOOTING, RUNNING, SHUTTING_DOWN, STOPPED),
                run.transitions());
        assertEquals(List.of("boot 1 reason power-on", "boot 2 reason guest-reset", "boot 3 reason guest-reset"),
                run.console());
        assertEquals(Outcome.SHUTDOWN, run.result().outcome());
        assertEquals(3, run.result().boots());
        assertTrue(run.result().instructions() > 0);
    }

    /**
     * A guest reset's cycle, as the summary's mean-reset-cycle-us reports it, lasts until the new
     * boot is ready to run: every BOOTING-to-RUNNING span (power-on, image, device tree) is inside it.
     */
    @Test
    void aResetCycleCoversTheNewBootsPowerOn() throws Exception {
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        kit.spawn(VmSupervisor.create(sample("reset-loop", "e500mc"), events.getRef(), new ImageCache()));
        long bootingSpans = 0;
        java.time.Instant bootingAt = null;
        VmResult result = null;
        while (result == null) {
            switch (events.receiveMessage(WAIT)) {
                case LifecycleChanged l when l.to() == BOOTING -> bootingAt = l.at();
                case LifecycleChanged l when l.to() == RUNNING -> {
                    if (bootingAt != null) bootingSpans += Duration.between(bootingAt, l.at()).toNanos();
                    bootingAt = null;
                }
                case VmFinished f -> result = f.result();
                default -> { }
            }
        }
        assertEquals(2, result.guestResets());
        long slack = 2_000 * result.guestResets();          // two clocks (wall and monotonic), read microseconds apart
        assertTrue(result.resetTime().toNanos() + slack >= bootingSpans,
                "reset cycles " + result.resetTime().toNanos() + " ns, the boots inside them " + bootingSpans + " ns");
    }

    /**
     * reset-loop with on-reset = decline prints its boot line, is refused its own reset and idles:
     * a host Reset then boots it again with boot count 2 and reason host-request, published as
     * RUNNING -> RESETTING -> BOOTING -> RUNNING.
     */
    @Test
    void aHostResetBootsAgainWithTheNextBootCountAndReasonHostRequest() throws Exception {
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        VmConfig config = TestGuests.vm(dir, "host-reset", TestGuests.SAMPLE_IMAGES.resolve("reset-loop-e500mc.elf"),
                "on-reset = decline");
        ActorRef<VmSupervisor.Command> vm = kit.spawn(VmSupervisor.create(config, events.getRef(), new ImageCache()));
        assertEquals(RUNNING, events.expectMessageClass(LifecycleChanged.class, WAIT).to());
        awaitLine(events, "boot 1 reason power-on");
        awaitLine(events, "reset refused: status 9");
        vm.tell(new VmSupervisor.Reset("test"));
        List<String> seen = new ArrayList<>();
        while (seen.size() < 3) {
            if (events.receiveMessage(WAIT) instanceof LifecycleChanged l) seen.add(l.to() + ": " + l.why());
        }
        assertEquals(List.of("RESETTING: reset by the host: test", "BOOTING: reset by the host: test",
                "RUNNING: reset by the host: test"), seen);
        awaitLine(events, "boot 2 reason host-request");
        awaitLine(events, "reset refused: status 9");
        vm.tell(new VmSupervisor.Stop("test over"));
        VmRun run = VmRun.collect(events, WAIT);
        assertEquals(Outcome.STOPPED, run.result().outcome());
        assertEquals(2, run.result().boots());
        assertEquals(0, run.result().guestResets(), "a host reset is not a guest reset");
    }

    /** Reads events until the console line {@code line}; fails on a lifecycle change or a timeout. */
    private static void awaitLine(TestProbe<VmEvent> events, String line) {
        while (true) {
            switch (events.receiveMessage(WAIT)) {
                case VmEvent.ConsoleLine c -> { if (c.line().equals(line)) return; }
                case LifecycleChanged l -> throw new AssertionError("waiting for '" + line + "', got " + l);
                case VmFinished f -> throw new AssertionError("waiting for '" + line + "', the VM ended: " + f);
                case VmEvent.SnapshotTaken _ -> { }
            }
        }
    }

    @Test
    void shutdownStopsTheSubtreeAndTheSupervisor() throws Exception {
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        ActorRef<VmSupervisor.Command> vm = kit.spawn(VmSupervisor.create(sample("hello", "e5500"), events.getRef(), new ImageCache()));
        VmRun run = VmRun.collect(events, WAIT);
        assertEquals(List.of(RUNNING, SHUTTING_DOWN, STOPPED), run.transitions());
        assertEquals(List.of("hello from hello-e5500 (64-bit, has-reset=yes, has-shutdown=yes)"), run.console());
        assertEquals(Outcome.SHUTDOWN, run.result().outcome());
        events.expectTerminated(vm, WAIT);
    }

    @Test
    void aCrashEndsTheVmAsFailedWithVcpuPcAndInstruction() throws Exception {
        Path image = TestGuests.elf(dir, "crash", TestGuests.CRASH);
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        kit.spawn(VmSupervisor.create(TestGuests.vm(dir, "crasher", image, ""), events.getRef(), new ImageCache()));
        VmRun run = VmRun.collect(events, WAIT);
        assertEquals(List.of(RUNNING, Lifecycle.FAILED), run.transitions());
        assertEquals(Outcome.CRASHED, run.result().outcome());
        String detail = run.result().detail();
        assertTrue(detail.contains("vm crasher vCPU 0 crashed at PC 0x00010004 _start+0x4 (instruction 0x00000000: .long 0x0)"), detail);
        assertTrue(detail.contains("IVOR6"), detail);
    }

    /**
     * A guest whose {@code add r6,r3,r4} (0x7cc32214) makes the engine throw: with a Program
     * handler installed that would report 66, so a Program interrupt would show as {@code failed}.
     */
    static final String ENGINE_FAULT = """
            .globl _start
            _start:
                lis 1,1
                mtspr 63,1              # IVPR = 0x10000
                li 2,handler-_start
                mtspr 406,2             # IVOR6 = handler
                li 3,1
                add 6,3,4               # the engine throws here
                li 3,0
                li 11,1
                sc 1                    # result 0: never reached
                .align 4
            handler:
                li 3,66
                li 11,1
                sc 1                    # result 66: the guest saw a Program interrupt
            """;

    @Test
    void anEngineExceptionEndsTheVmAsCrashedAndNeverReachesTheGuest() throws Exception {
        Path image = TestGuests.elf(dir, "engine-fault", ENGINE_FAULT);
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        VmRun run;
        System.setProperty(Cpu.FAULT_WORD_PROPERTY, "0x7cc32214");   // read when the VM's CPUs are made
        try {
            kit.spawn(VmSupervisor.create(TestGuests.vm(dir, "engine-fault", image, "on-crash = restart"),
                    events.getRef(), new ImageCache()));
            run = VmRun.collect(events, WAIT);
        } finally {
            System.clearProperty(Cpu.FAULT_WORD_PROPERTY);
        }
        assertEquals(List.of(RUNNING, Lifecycle.FAILED), run.transitions(), "no restart: on-crash is for the guest's crashes");
        assertEquals(Outcome.CRASHED, run.result().outcome());
        assertTrue(run.result().resultCode().isEmpty(), "the guest's Program handler ran: " + run.result());
        String detail = run.result().detail();
        assertTrue(detail.contains("vm engine-fault vCPU 0: engine error at PC 0x00010014 _start+0x14 (instruction 0x7cc32214: add r6,r3,r4)"),
                detail);
        assertTrue(detail.contains("java.lang.IllegalStateException: injected engine fault"), detail);
    }

    /** Calls the lifecycle hypercall {@code 0x002A00nn}; reports 0 if it came back with EV_INTERNAL (9). */
    static String declinedCall(int number) {
        return """
                .globl _start
                _start:
                    lis 11,0x002A
                    ori 11,11,%d
                    sc 1
                    cmpwi 3,9
                    li 3,0
                    beq 1f
                    li 3,1
                1:  li 11,1
                    sc 1
                    b .
                """.formatted(number);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"on-reset = decline, 32", "on-shutdown = decline, 33"})
    void aDeclinedResetOrShutdownAnswersEvInternalAndTheGuestGoesOn(String policy, int number) throws Exception {
        Path image = TestGuests.elf(dir, "decline-" + number, declinedCall(number));
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        kit.spawn(VmSupervisor.create(TestGuests.vm(dir, "decline-" + number, image, policy), events.getRef(), new ImageCache()));
        VmRun run = VmRun.collect(events, WAIT);
        assertEquals(List.of(RUNNING, SHUTTING_DOWN, STOPPED), run.transitions());
        assertEquals(Outcome.PASSED, run.result().outcome(), run.result().detail());
        assertEquals(0, run.result().resultCode().getAsLong(), "r3 after the declined call was not EV_INTERNAL");
        assertEquals(1, run.result().boots());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"e500mc", "e5500"})
    void consoleStepsWaitForThePromptAndTypeIntoTheGuest(String cpu) throws Exception {
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        kit.spawn(VmSupervisor.create(TestGuests.vm(dir, "echo-" + cpu, TestGuests.SAMPLE_IMAGES.resolve("echo-" + cpu + ".elf"),
                """
                cpu = %s
                console.steps = [
                  { wait = "echo> $", send = "hello, guest" }
                  { wait = "echo> $", send = quit }
                ]
                """.formatted(cpu)), events.getRef(), new ImageCache()));
        VmRun run = VmRun.collect(events, WAIT);
        assertEquals(List.of("echo> you said: hello, guest", "echo> bye"), run.console(),
                "each line was typed only once its prompt had appeared");
        assertEquals(Outcome.SHUTDOWN, run.result().outcome(), run.result().detail());
    }

    @Test
    void aConsoleStepThatNeverMatchesEndsTheVmNamingTheStep() throws Exception {
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        kit.spawn(VmSupervisor.create(TestGuests.vm(dir, "echo-stuck", TestGuests.SAMPLE_IMAGES.resolve("echo-e500mc.elf"),
                """
                console.steps = [
                  { wait = "echo> $", send = hello }
                  { wait = "never printed", timeout = 300ms }
                ]
                """), events.getRef(), new ImageCache()));
        VmRun run = VmRun.collect(events, WAIT);
        assertEquals(List.of(RUNNING, SHUTTING_DOWN, STOPPED), run.transitions());
        assertEquals(Outcome.STEP_TIMED_OUT, run.result().outcome());
        assertEquals("console step 2 (wait for /never printed/) saw no match within 300 ms (of 2 steps)",
                run.result().detail());
        assertEquals(List.of("echo> you said: hello", "echo> "), run.console(), "step 1 did its part; the last prompt is flushed at the end");
    }

    /**
     * 45 a's (the hello guest prints its VM's name; the echo guest repeats the line a step types)
     * make (.*a){12}x backtrack for hours without the budget.
     */
    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
            "hello | result.pass-pattern = \"(.*a){12}x\"                        | result.pass-pattern",
            "hello | result.fail-pattern = \"(.*a){12}x\"                        | result.fail-pattern",
            "hello | snapshot { at = console, console-pattern = \"(.*a){12}x\" } | snapshot.console-pattern",
            "echo  | console.steps = [ { wait = \"echo> $\", send = NAME }, { wait = \"(.*a){12}x\", timeout = 1h } ] "
                    + "| console.steps[1].wait"})
    @Timeout(30)
    void aRunawayConsolePatternEndsTheVmWithinItsWallTimeoutNamingKeyAndPattern(String program, String keys, String key)
            throws Exception {
        String name = "a".repeat(45);
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        kit.spawn(VmSupervisor.create(TestGuests.vm(dir, name, TestGuests.SAMPLE_IMAGES.resolve(program + "-e500mc.elf"),
                "cpu = e500mc\nlimits.wall-timeout = 5s\n" + keys.replace("NAME", name)), events.getRef(), new ImageCache()));
        VmRun run = VmRun.collect(events, WAIT);
        assertEquals(Outcome.CRASHED, run.result().outcome(), run.result().detail());
        assertTrue(run.result().detail().startsWith("vm " + name + ": " + key + " /(.*a){12}x/ gave up after 50000000 steps on "),
                run.result().detail());
        assertTrue(run.result().detail().endsWith("a runaway regular expression in the lab's config, not a guest fault (make it linear)"),
                run.result().detail());
        assertTrue(run.result().wallTime().compareTo(Duration.ofSeconds(5)) < 0, "ended at " + run.result().wallTime());
    }

    @Test
    @Timeout(30)
    void aSanePassPatternStillMatchesUnderTheBudget() throws Exception {
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        kit.spawn(VmSupervisor.create(TestGuests.vm(dir, "a".repeat(45), TestGuests.SAMPLE_IMAGES.resolve("hello-e500mc.elf"),
                "cpu = e500mc\nlimits.wall-timeout = 5s\nresult.pass-pattern = \"^hello from (a)+ \\\\(32-bit\""),
                events.getRef(), new ImageCache()));
        VmRun run = VmRun.collect(events, WAIT);
        assertEquals(Outcome.PASSED, run.result().outcome(), run.result().detail());
    }

    @Test
    void aSpinningGuestIsStoppedPromptlyByTheHost() throws Exception {
        Path image = TestGuests.elf(dir, "spin", TestGuests.SPIN);
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        ActorRef<VmSupervisor.Command> vm = kit.spawn(VmSupervisor.create(
                TestGuests.vm(dir, "spinner", image, "engine.turn-instructions = 1000000000"), events.getRef(), new ImageCache()));
        events.expectMessageClass(LifecycleChanged.class, WAIT);          // RUNNING
        long asked = System.nanoTime();
        vm.tell(new VmSupervisor.Stop("test"));
        VmRun run = VmRun.collect(events, WAIT);
        assertEquals(List.of(SHUTTING_DOWN, STOPPED), run.transitions());
        assertEquals(Outcome.STOPPED, run.result().outcome());
        // a 1e9-instruction turn would take seconds; the kick ends it at the next check
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked) < 5_000, "stop was not prompt");
    }

    @Test
    void aStopDuringACrashRestartsBackoffEndsTheVmInsteadOfBootingIt() throws Exception {
        Path image = TestGuests.elf(dir, "crash", TestGuests.CRASH);
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        ActorRef<VmSupervisor.Command> vm = kit.spawn(VmSupervisor.create(TestGuests.vm(dir, "backoff", image,
                "on-crash = restart\n  restart.backoff-min = 1h\n  restart.backoff-max = 1h"), events.getRef(), new ImageCache()));
        assertEquals(RUNNING, events.expectMessageClass(LifecycleChanged.class, WAIT).to());
        assertEquals(RESETTING, events.expectMessageClass(LifecycleChanged.class, WAIT).to());
        events.expectNoMessage(Duration.ofMillis(200));             // waiting out the hour of backoff
        vm.tell(new VmSupervisor.Stop("test"));
        VmRun run = VmRun.collect(events, WAIT);
        assertEquals(List.of(SHUTTING_DOWN, STOPPED), run.transitions());
        assertEquals(Outcome.STOPPED, run.result().outcome());
        assertEquals(1, run.result().boots());
        assertEquals(1, run.result().restarts());
        events.expectTerminated(vm, WAIT);
    }

    /** Two vCPUs: each has its own actor (a VM of one vCPU runs its loop in the supervisor, next test). */
    @Test
    void aThousandResetsLeaveNoVcpuActorOrMemoryBehind() throws Exception {
        Path image = TestGuests.elf(dir, "reset-forever", TestGuests.RESET_FOREVER);
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        ActorRef<VmSupervisor.Command> vm = kit.spawn(VmSupervisor.create(
                TestGuests.vm(dir, "resetter", image, "vcpus = 2\n  limits.wall-timeout = 10m"), events.getRef(), new ImageCache()));
        ActorSelection children = Adapter.toClassic(kit.system()).actorSelection(vm.path().toStringWithoutAddress() + "/vcpu-*");
        long heapAt100 = 0;
        int boots = 0;
        while (boots < 1000) {
            VmEvent e = events.receiveMessage(WAIT);
            if (!(e instanceof LifecycleChanged l) || l.to() != RUNNING) continue;
            boots++;
            if (boots % 100 == 0) {
                List<String> alive = liveChildren(children);
                assertTrue(alive.size() <= 2, "at boot " + boots + " more than one boot's vCPU actors are alive: " + alive);
            }
            if (boots == 100) heapAt100 = usedHeapAfterGc();
        }
        long heapGrowth = usedHeapAfterGc() - heapAt100;
        vm.tell(new VmSupervisor.Stop("enough resets"));
        VmResult result = null;
        while (result == null) {
            if (events.receiveMessage(WAIT) instanceof VmFinished f) result = f.result();
        }
        events.expectTerminated(vm, WAIT);
        assertTrue(liveChildren(children).isEmpty(), "vCPU actors left behind");
        assertTrue(result.boots() >= 1000, "boots " + result.boots());
        // a leaked board (1 MiB of RAM), actor or image per reset would add >= 900 MiB; 32 MiB
        // leaves room for the test kit's and the JIT's own churn in a shared JVM
        assertTrue(heapGrowth < 32L << 20, "900 resets grew the heap by " + (heapGrowth >> 10) + " KiB");
    }

    /** A VM of one vCPU spawns no vCPU actor: its supervisor runs the exit loop, boot after boot. */
    @Test
    void aVmOfOneVcpuRunsItsLoopInItsSupervisor() throws Exception {
        Path image = TestGuests.elf(dir, "reset-forever", TestGuests.RESET_FOREVER);
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        ActorRef<VmSupervisor.Command> vm = kit.spawn(VmSupervisor.create(
                TestGuests.vm(dir, "one-actor", image, "limits.wall-timeout = 10m"), events.getRef(), new ImageCache()));
        ActorSelection children = Adapter.toClassic(kit.system()).actorSelection(vm.path().toStringWithoutAddress() + "/vcpu-*");
        int boots = 0;
        while (boots < 50) {
            if (events.receiveMessage(WAIT) instanceof LifecycleChanged l && l.to() == RUNNING) boots++;
        }
        assertEquals(List.of(), liveChildren(children), "child actors of a VM of one vCPU");
        vm.tell(new VmSupervisor.Stop("enough"));
        VmResult result = null;
        while (result == null) {
            if (events.receiveMessage(WAIT) instanceof VmFinished f) result = f.result();
        }
        assertEquals(Outcome.STOPPED, result.outcome());
        assertTrue(result.boots() >= 50, "boots " + result.boots());
        events.expectTerminated(vm, WAIT);
    }

    /** Names of the supervisor's live vCPU actors, asked with Identify. */
    private static List<String> liveChildren(ActorSelection selection) throws Exception {
        List<String> names = new ArrayList<>();
        TestProbe<Object> probe = kit.createTestProbe();
        selection.tell(new Identify("x"), Adapter.toClassic(probe.getRef()));
        while (true) {
            try {
                Object reply = probe.receiveMessage(Duration.ofMillis(300));
                if (reply instanceof ActorIdentity id && id.getActorRef().isPresent()) {
                    names.add(id.getActorRef().get().path().name());
                }
            } catch (AssertionError timeout) {
                return names;
            }
        }
    }

    /** The smallest heap in use over a few full collections (one sample can catch a burst). */
    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            min = Math.min(min, rt.totalMemory() - rt.freeMemory());
        }
        return min;
    }
}
