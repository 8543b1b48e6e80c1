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
        ConsoleCapture capture = new ConsoleCapture(1024, 1 << 20);
        capture.onEvent(line("good", "fine"));
        capture.onEvent(line("bad", "oops"));
        capture.onEvent(end("good", Outcome.PASSED));
        capture.onEvent(end("bad", Outcome.CRASHED));
        assertEquals("", capture.of("good"), "a VM that ended as expected is forgotten");
        assertEquals("oops\n", capture.of("bad"));
    }

    @Test
    void cutsAtTheLimitWithAMarker() {
        ConsoleCapture capture = new ConsoleCapture(8, 1 << 20);
        capture.onEvent(line("v", "1234567"));     // 8 bytes with the newline: fits
        capture.onEvent(line("v", "abc"));         // 4 more: dropped
        assertEquals("1234567\n[epapr-lab: console cut at 8 bytes; 4 more bytes not kept]\n", capture.of("v"));
    }

    @Test
    void aCutConsoleIsATruePrefix() {
        ConsoleCapture capture = new ConsoleCapture(10, 1 << 20);
        capture.onEvent(line("v", "abcd"));        // 5 bytes: kept
        capture.onEvent(line("v", "efghijk"));     // 8 more would pass the limit: cut here
        capture.onEvent(line("v", "xy"));          // 3 would fit, but would make the text no prefix
        assertEquals("abcd\n[epapr-lab: console cut at 10 bytes; 11 more bytes not kept]\n", capture.of("v"));
    }

    @Test
    void allVmsTogetherKeepNoMoreThanTheTotal() {
        ConsoleCapture capture = new ConsoleCapture(100, 12);
        capture.onEvent(line("a", "12345"));       // 6 of 12
        capture.onEvent(line("b", "12345"));       // 12 of 12
        capture.onEvent(line("c", "1"));           // over the total: cut
        assertEquals("12345\n", capture.of("b"));
        assertEquals("[epapr-lab: console cut at 100 bytes; 2 more bytes not kept]\n", capture.of("c"));
        capture.onEvent(end("a", Outcome.PASSED)); // a forgotten VM gives its share back
        capture.onEvent(line("d", "1"));
        assertEquals("1\n", capture.of("d"));
    }
}
