package epaprlab.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import epaprlab.orchestrator.config.LabConfig;
import epaprlab.orchestrator.config.LabConfigLoader;
import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.vm.Outcome;
import epaprlab.orchestrator.vm.VmEvent.VmFinished;
import epaprlab.orchestrator.vm.VmResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A lab that cannot end normally still gets a result for every VM, in lab order. */
class ResultLedgerTest {
    @TempDir Path dir;

    @Test
    void endNowKeepsTheResultsThatCameAndGivesTheOthersTheOutcomeAndReason() throws Exception {
        Files.writeString(dir.resolve("g.elf"), "the loader only checks that it exists");
        LabConfig lab = LabConfigLoader.withDefaults().load(Files.writeString(dir.resolve("lab.conf"),
                "lab { name = l, vms = [ { name = a, image = g.elf }, { name = b, image = g.elf }, { name = c, image = g.elf } ] }"));
        ResultLedger ledger = new ResultLedger(lab);
        VmResult b = new VmResult("b", Outcome.PASSED, Set.of(Outcome.PASSED), 1, 0, 10, Duration.ofMillis(3), "ok",
                OptionalLong.of(0), 0, Duration.ZERO);
        ledger.onEvent(new LabEvent.OfVm(new VmFinished(b, Instant.now())));
        assertNull(ledger.finished());
        assertEquals(2, ledger.pending());

        LabFinished end = ledger.endNow(Outcome.STOPPED, "did not stop in time");
        assertEquals(List.of("a", "b", "c"), end.results().stream().map(VmResult::vm).toList());
        assertSame(b, end.results().get(1));
        assertEquals(Outcome.STOPPED, end.results().get(0).outcome());
        assertEquals("did not stop in time", end.results().get(2).detail());
        assertEquals(Set.of(Outcome.PASSED, Outcome.SHUTDOWN), end.results().get(0).expected());

        LabFinished normal = new LabFinished("l", end.results(), Instant.now());
        ledger.onEvent(normal);
        assertSame(normal, ledger.endNow(Outcome.CRASHED, "x"), "a lab that ended normally keeps its own end");
    }
}
