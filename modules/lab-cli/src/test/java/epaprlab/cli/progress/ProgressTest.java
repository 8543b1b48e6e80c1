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
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.Set;
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

    @Test
    void plainModePrintsPeriodicLines() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Progress p = new Progress(Progress.Mode.PLAIN, new PrintStream(err, true, StandardCharsets.UTF_8), 2,
                Duration.ofMillis(20))) {
            p.onEvent(running("a"));
            Thread.sleep(200);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.lines().count() >= 2, text);
        assertTrue(text.lines().allMatch(l -> l.startsWith("progress: running 1  as-expected 0  not 0  remaining 2")), text);
    }

    @Test
    void terminalModeRewritesOneLineAndClearsItForOutput() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Progress p = new Progress(Progress.Mode.TERMINAL, new PrintStream(err, true, StandardCharsets.UTF_8), 1,
                Duration.ofSeconds(10))) {
            Thread.sleep(600);                  // the status line is redrawn every 250 ms
            p.above(new PrintStream(out, true, StandardCharsets.UTF_8), "[vm] hello");
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("\r\033[Krunning 0"), text);
        assertTrue(text.endsWith("\r\033[K"), "the status line is cleared before output and at the end");
        assertEquals("[vm] hello\n", out.toString(StandardCharsets.UTF_8));
    }
}
