package epaprlab.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.vm.Outcome;
import epaprlab.orchestrator.vm.VmEvent.ConsoleLine;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import epaprlab.orchestrator.vm.VmResult;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Console capture: cut at its limit with a marker, kept only for VMs that end unexpectedly. */
class ConsoleCaptureTest {
    private static LabEvent line(String vm, String text) {
        return new LabEvent.OfVm(new ConsoleLine(vm, text, Instant.now()));
    }

    private static LabEvent end(String vm, Outcome outcome) {
        return new LabEvent.OfVm(new VmFinished(new VmResult(vm, outcome, Set.of(Outcome.PASSED), 1, 0, 1,
                Duration.ZERO, "", OptionalLong.empty(), 0, Duration.ZERO), Instant.now()));
    }

    @Test
    void keepsTheConsoleOfUnexpectedEndsOnly() {
        ConsoleCapture capture = new ConsoleCapture(1024);
        capture.onEvent(line("good", "fine"));
        capture.onEvent(line("bad", "oops"));
        capture.onEvent(end("good", Outcome.PASSED));
        capture.onEvent(end("bad", Outcome.CRASHED));
        assertEquals("", capture.of("good"), "a VM that ended as expected is forgotten");
        assertEquals("oops\n", capture.of("bad"));
    }

    @Test
    void cutsAtTheLimitWithAMarker() {
        ConsoleCapture capture = new ConsoleCapture(8);
        capture.onEvent(line("v", "1234567"));     // 8 bytes with the newline: fits
        capture.onEvent(line("v", "abc"));         // 4 more: dropped
        assertEquals("1234567\n[epapr-lab: console cut at 8 bytes; 4 more bytes not kept]\n", capture.of("v"));
    }
}
