package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} around the edges: report paths, write failures, option errors, what reaches the terminal. */
@Timeout(60)
class RunHardeningTest {
    @TempDir Path dir;

    static final String HELLO = Path.of("../../sample-vms/images/hello-e500mc.elf").toAbsolutePath().toString();
    static final String CHAOS = Path.of("../../sample-vms/images/chaos-e500mc.elf").toAbsolutePath().toString();

    private Path vm(String text) throws Exception {
        Path file = dir.resolve("vm.conf");
        Files.writeString(file, text);
        return file;
    }

    record BadPath(String name, String option, String path, String message) {}

    @TestFactory
    Stream<DynamicTest> badReportPathsAreOneLineAndExitTwoBeforeTheLabStarts() throws Exception {
        Path conf = vm("vm { name = h, image = \"" + HELLO + "\" }\n");
        Path aFile = Files.writeString(dir.resolve("a-file"), "x");
        Path aDir = Files.createDirectories(dir.resolve("a-dir"));
        return Stream.of(
                new BadPath("device", "--json", "/dev/full", "--json /dev/full: is a character device; reports are written to regular files"),
                new BadPath("directory", "--junit", aDir.toString(), "--junit " + aDir + ": is a directory; reports are written to regular files"),
                new BadPath("file as directory", "--json", aFile + "/x.json", "--json " + aFile + ": is a regular file, not a directory"),
                new BadPath("proc file", "--json", "/proc/version", "--json /proc/version: cannot be written: it is on the proc pseudo file system"),
                new BadPath("proc directory", "--junit", "/proc/epapr-lab/x.xml", "--junit /proc/epapr-lab: cannot write there: "),
                new BadPath("logs on a file", "--logs", aFile.toString(), "--logs " + aFile + ": is a regular file, not a directory"),
                new BadPath("logs in proc", "--logs", "/proc/self/epapr-lab", "--logs /proc/self/epapr-lab: cannot write there: "))
            .map(bad -> DynamicTest.dynamicTest(bad.name(), () -> {
                var r = QuickstartEndToEndTest.cli("run", conf.toString(), bad.option(), bad.path(), "--progress", "off");
                assertEquals(ExitCode.BAD_INPUT.code(), r.code(), r.out() + r.err());
                assertEquals(1, r.err().lines().count(), "one line:\n" + r.err());
                assertTrue(r.err().startsWith("epapr-lab: " + bad.message()), r.err());
                assertEquals("", r.out(), "the lab did not run");
            }));
    }

    @Test
    void aReportThatFailsAtTheEndCostsOnlyItselfAndExitsFour() throws Exception {
        Path conf = vm("vm { name = slow, image = \"" + CHAOS + "\", bootargs = \"mode=hang\", "
                + "limits.wall-timeout = 2s, expect = timed-out }\n");
        Path reports = dir.resolve("reports");
        Path logs = dir.resolve("logs");
        CompletableFuture<QuickstartEndToEndTest.Result> run = CompletableFuture.supplyAsync(() -> QuickstartEndToEndTest.cli(
                "run", conf.toString(), "--junit", reports.resolve("junit.xml").toString(),
                "--json", dir.resolve("summary.json").toString(), "--logs", logs.toString(), "--progress", "off"));
        Path lock = logs.resolve(".epapr-lab.lock");
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!Files.exists(lock) && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(Files.exists(lock), "the run started");
        Files.delete(reports);                        // the checked directory is replaced by a file mid-run
        Files.writeString(reports, "not a directory any more");
        var r = run.get();
        assertEquals(ExitCode.REPORT_FAILED.code(), r.code(), r.out() + r.err());
        assertTrue(r.err().contains("epapr-lab: --junit " + reports.resolve("junit.xml") + ": could not be written"), r.err());
        assertTrue(r.out().contains("lab slow: 1 VMs, 1 as expected, 0 not (1 timed-out)"), "the summary: " + r.out());
        JsonNode json = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertEquals(4, json.get("exitCode").asInt());
        assertEquals("timed-out", json.get("results").get(0).get("outcome").asText());
    }

    @Test
    void anUnknownConsoleModeListsTheValidOnes() throws Exception {
        Path conf = vm("vm { name = h, image = \"" + HELLO + "\" }\n");
        var r = QuickstartEndToEndTest.cli("run", conf.toString(), "--console", "bogus");
        assertEquals(ExitCode.BAD_INPUT.code(), r.code());
        assertEquals("epapr-lab: --console: unknown mode \"bogus\" (expected all, failures or none)\n", r.err());
    }

    /**
     * A config error quotes the file's values: control characters in them reach the terminal
     * escaped (a VM name with ESC [ 2 J used to clear the operator's screen), in {@code run} and
     * {@code dtb} alike.
     */
    @Test
    void controlCharactersInAConfigErrorAreEscapedOnTheTerminal() throws Exception {
        Path conf = vm("vm { name = \"a\\u001b[2J\\u0007\", image = \"" + HELLO + "\" }\n");
        for (String command : new String[] {"run", "dtb"}) {
            var r = QuickstartEndToEndTest.cli(command, conf.toString());
            assertEquals(ExitCode.BAD_INPUT.code(), r.code(), r.out() + r.err());
            assertTrue(r.err().contains("vm.name: \"a\\x1b[2J\\x07\" is not a valid VM name"), command + ": " + r.err());
            assertFalse(r.err().contains("\u001b") || r.err().contains("\u0007"), command + ": no control byte reaches the terminal");
        }
    }

    @Test
    void guestControlBytesAreEscapedOnTheTerminalAndKeptInLogsAndReports() throws Exception {
        Path conf = vm("vm { name = esc, image = \"" + CHAOS + "\", bootargs = \"\\u001b[2J\\u0007\", expect = passed }\n");
        Path logs = dir.resolve("logs");
        Path junit = dir.resolve("junit.xml");
        var r = QuickstartEndToEndTest.cli("run", conf.toString(), "--logs", logs.toString(), "--junit", junit.toString(),
                "--progress", "off");
        assertEquals(10, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("[esc] esc: unknown bootargs \"\\x1b[2J\\x07\""), r.out());
        assertFalse(r.out().contains("\u001b") || r.out().contains("\u0007"), "no control byte reaches the terminal");
        assertTrue(Files.readString(logs.resolve("esc.log"), StandardCharsets.UTF_8).contains("\"\u001b[2J\u0007\""), "the log keeps them");
        var xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
        assertTrue(xml.getElementsByTagName("system-out").item(0).getTextContent().contains("\\x1b[2J\\x07"));

        var raw = QuickstartEndToEndTest.cli("run", conf.toString(), "--raw-console", "--progress", "off");
        assertTrue(raw.out().contains("[esc] esc: unknown bootargs \"\u001b[2J\u0007\""), raw.out());
    }
}
