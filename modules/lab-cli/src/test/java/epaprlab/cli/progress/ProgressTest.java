package epaprlab.cli.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.vm.Lifecycle;
import epaprlab.orchestrator.vm.Outcome;
import epaprlab.orchestrator.vm.VmEvent.LifecycleChanged;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import epaprlab.orchestrator.vm.VmResult;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** Live progress: counts from lab events, a rewritten status line on a terminal, plain lines elsewhere. */
class ProgressTest {
    private static LabEvent running(String vm) {
        return new LabEvent.OfVm(new LifecycleChanged(vm, Lifecycle.BOOTING, Lifecycle.RUNNING, "power on", Instant.now()));
    }

    private static LabEvent finished(String vm, Outcome outcome) {
        return new LabEvent.OfVm(new VmFinished(new VmResult(vm, outcome, Set.of(Outcome.PASSED), 1, 0, 10,
                Duration.ofMillis(5), "", OptionalLong.empty(), 0, Duration.ZERO), Instant.now()));
    }

    @Test
    void countsRunningAsExpectedNotAndRemaining() {
        try (Progress p = new Progress(Progress.Mode.OFF, System.err, 4, Duration.ofSeconds(10))) {
            p.onEvent(running("a"));
            p.onEvent(running("b"));
            p.onEvent(running("b"));            // a reboot is not a second VM
            p.onEvent(running("c"));
            p.onEvent(finished("a", Outcome.PASSED));
            p.onEvent(finished("c", Outcome.CRASHED));
            assertTrue(p.status().startsWith("running 1  as-expected 1  not 1  remaining 2  elapsed "), p.status());
        }
    }

    /** A clock the test moves: each read returns the current value. */
    private static final class ManualClock implements LongSupplier {
        long nanos;
        @Override public long getAsLong() { return nanos; }
    }

    @Test
    void plainModePrintsOneLinePerTickWithElapsedTimeAndRate() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ManualClock clock = new ManualClock();
        try (Progress p = new Progress(Progress.Mode.PLAIN, new PrintStream(err, true, StandardCharsets.UTF_8), 2, clock)) {
            p.onEvent(running("a"));
            clock.nanos = 1_000_000_000L;
            p.tick();
            p.onEvent(finished("a", Outcome.PASSED));
            clock.nanos = 4_000_000_000L;
            p.tick();
        }
        assertEquals("""
                progress: running 1  as-expected 0  not 0  remaining 2  elapsed 1.0 s  0.0 VMs/s
                progress: running 0  as-expected 1  not 0  remaining 1  elapsed 4.0 s  0.3 VMs/s
                """, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void terminalModeRewritesOneLineAndClearsItForOutput() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Progress p = new Progress(Progress.Mode.TERMINAL, new PrintStream(err, true, StandardCharsets.UTF_8), 1,
                new ManualClock())) {
            p.tick();
            p.above(new PrintStream(out, true, StandardCharsets.UTF_8), "[vm] hello");
            p.tick();
        }
        assertEquals("\r\033[Krunning 0  as-expected 0  not 0  remaining 1  elapsed 0.0 s  0.0 VMs/s\r\033[K"
                + "\r\033[Krunning 0  as-expected 0  not 0  remaining 1  elapsed 0.0 s  0.0 VMs/s\r\033[K",
                err.toString(StandardCharsets.UTF_8), "the status line is cleared before output and at the end");
        assertEquals("[vm] hello\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theTimerThreadTicksOnItsOwn() throws Exception {
        CountDownLatch lines = new CountDownLatch(2);
        OutputStream counting = new OutputStream() {
            @Override public void write(int b) { if (b == '\n') lines.countDown(); }
        };
        try (Progress p = new Progress(Progress.Mode.PLAIN, new PrintStream(counting, true, StandardCharsets.UTF_8), 1,
                Duration.ofMillis(20))) {
            assertTrue(lines.await(10, TimeUnit.SECONDS), "two progress lines within 10 s at one per 20 ms");
        }
    }

    @Test
    void offShowsNothingEvenWhenTicked() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Progress p = new Progress(Progress.Mode.OFF, new PrintStream(err, true, StandardCharsets.UTF_8), 1,
                new ManualClock())) {
            p.tick();
        }
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }
}
