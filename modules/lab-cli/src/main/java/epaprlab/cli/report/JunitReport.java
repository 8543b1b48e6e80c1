package epaprlab.cli.report;

import epaprlab.orchestrator.lab.LabEvent.LabFinished;
import epaprlab.orchestrator.vm.Outcome;
import epaprlab.orchestrator.vm.VmResult;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * {@code --junit FILE}: JUnit XML as CI systems read it: one {@code testsuite} for the lab, one
 * {@code testcase} per VM; a VM that did not end as expected has a {@code failure} with its
 * outcome and detail, and its console in {@code system-out}.
 */
public final class JunitReport {
    private JunitReport() {}

    public static void write(Path file, LabFinished lab, Duration wall, ConsoleCapture console) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, lab, wall, console);
        }
    }

    /**
     * Writes the report to {@code out} through a 64 KiB buffer: the XML writer hands over a few
     * bytes at a time, which unbuffered would be one system call each (millions for a large lab).
     */
    public static void write(OutputStream target, LabFinished lab, Duration wall, ConsoleCapture console) throws IOException {
        OutputStream out = new BufferedOutputStream(target, 1 << 16);
        try {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            long failures = lab.results().stream().filter(r -> !r.asExpected()).count();
            x.writeStartElement("testsuite");
            x.writeAttribute("name", xmlSafe(lab.lab()));
            x.writeAttribute("tests", String.valueOf(lab.results().size()));
            x.writeAttribute("failures", String.valueOf(failures));
            x.writeAttribute("errors", "0");
            x.writeAttribute("skipped", "0");
            x.writeAttribute("time", seconds(wall));
            x.writeAttribute("timestamp", DateTimeFormatter.ISO_INSTANT.format(lab.at().minus(wall).truncatedTo(ChronoUnit.SECONDS)));
            x.writeCharacters("\n");
            for (VmResult r : lab.results()) {
                x.writeCharacters("  ");
                x.writeStartElement("testcase");
                x.writeAttribute("classname", xmlSafe("epapr-lab." + lab.lab()));
                x.writeAttribute("name", r.vm());
                x.writeAttribute("time", seconds(r.wallTime()));
                if (!r.asExpected()) {
                    x.writeCharacters("\n    ");
                    x.writeStartElement("failure");
                    x.writeAttribute("type", r.outcome().configName());
                    x.writeAttribute("message", "ended " + r.outcome().configName() + " (expected "
                            + r.expected().stream().sorted().map(Outcome::configName).collect(Collectors.joining(" or ")) + ")");
                    x.writeCharacters(xmlSafe(r.detail() + r.crash().map(c -> "\n" + c.render()).orElse("")));
                    x.writeEndElement();
                    x.writeCharacters("\n    ");
                    x.writeStartElement("system-out");
                    x.writeCharacters(xmlSafe(console.of(r.vm())));
                    x.writeEndElement();
                    x.writeCharacters("\n  ");
                }
                x.writeEndElement();
                x.writeCharacters("\n");
            }
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndDocument();
            x.close();
            out.flush();
        } catch (XMLStreamException e) {
            throw new IOException("writing JUnit XML: " + e.getMessage(), e);
        }
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
    }

    /** XML 1.0 cannot carry most control characters; a guest can print anything. */
    static String xmlSafe(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            boolean ok = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                    || c >= 0x10000;
            if (ok) b.appendCodePoint(c); else b.append(String.format(Locale.ROOT, "\\x%02x", c));
        });
        return b.toString();
    }
}
