package epaprlab.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.orchestrator.lab.LabEvent;
import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.vm.Outcome;
import epaprlab.orchestrator.vm.VmEvent.ConsoleLine;
import epaprlab.orchestrator.vm.VmResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.w3c.dom.Document;

/** The JUnit writer: few large writes for a large lab, valid XML whatever the guest printed. */
@Timeout(60)
class JunitReportTest {
    /** Counts the calls that reach the underlying stream (each would be a system call on a file). */
    static final class CountingStream extends FilterOutputStream {
        int writes;

        CountingStream(OutputStream out) { super(out); }

        @Override public void write(int b) throws IOException { writes++; out.write(b); }

        @Override public void write(byte[] b, int off, int len) throws IOException { writes++; out.write(b, off, len); }
    }

    static LabFinished lab(int vms, ConsoleCapture capture) {
        List<VmResult> results = new ArrayList<>();
        for (int i = 0; i < vms; i++) {
            String name = "vm-" + i;
            Outcome outcome = i % 10 == 0 ? Outcome.CRASHED : Outcome.PASSED;
            capture.onEvent(new LabEvent.OfVm(new ConsoleLine(name, "console of " + name + " \u001b[2J\u0000 end", Instant.now())));
            results.add(new VmResult(name, outcome, Set.of(Outcome.PASSED), 1, 0, 1000, Duration.ofMillis(5),
                    "detail \u0007 of " + name, OptionalLong.empty(), 0, Duration.ZERO));
        }
        return new LabFinished("big \u0001 lab", results, Instant.now());   // a lab name is free text too
    }

    @Test
    void aTenThousandVmReportIsWrittenInFewLargeWritesAndIsValidXml() throws Exception {
        ConsoleCapture capture = new ConsoleCapture(1 << 20, 1 << 30);
        LabFinished lab = lab(10_000, capture);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CountingStream counting = new CountingStream(bytes);
        long t0 = System.nanoTime();
        JunitReport.write(counting, lab, Duration.ofSeconds(1), capture);
        long micros = (System.nanoTime() - t0) / 1000;
        System.out.println("JUnit report of 10,000 VMs: " + bytes.size() + " bytes in " + counting.writes
                + " writes, " + micros / 1000 + " ms");
        assertTrue(counting.writes <= bytes.size() / (32 << 10) + 2,
                counting.writes + " writes for " + bytes.size() + " bytes: the writer must buffer");
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(bytes.toByteArray()));
        assertEquals("10000", xml.getDocumentElement().getAttribute("tests"));
        assertEquals("big \\x01 lab", xml.getDocumentElement().getAttribute("name"));
        assertEquals("1000", xml.getDocumentElement().getAttribute("failures"));
        String out = xml.getElementsByTagName("system-out").item(0).getTextContent();
        assertEquals("console of vm-0 \\x1b[2J\\x00 end\n", out, "what XML 1.0 forbids is escaped, the rest kept");
    }
}
