package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.orchestrator.vm.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's exit-code tables, {@code --help} and {@link ExitCode}/{@link Outcome} say the same. */
class ExitCodesAreDocumentedTest {
    private static final Path README = Path.of("../../README.md");

    /** Rows of the markdown table whose header line is {@code header}: first cell -> last cell. */
    private static Map<String, String> table(String header) throws Exception {
        List<String> lines = Files.readAllLines(README);
        int at = lines.indexOf(header);
        assertTrue(at >= 0, "README has no table headed: " + header);
        Map<String, String> rows = new LinkedHashMap<>();
        for (int i = at + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String[] cells = lines.get(i).substring(1, lines.get(i).length() - 1).split("(?<!\\\\)\\|");
            rows.put(cells[0].trim(), cells[cells.length - 1].trim());
        }
        return rows;
    }

    @Test
    void theReadmeTablesMatchTheCode() throws Exception {
        Map<String, String> codes = table("| code | meaning |");
        for (ExitCode c : ExitCode.values()) {
            assertTrue(codes.containsKey(String.valueOf(c.code())), "README lacks exit code " + c.code() + " (" + c + ")");
        }
        int highest = java.util.Arrays.stream(Outcome.values()).mapToInt(Outcome::exitCode).max().orElseThrow();
        String outcomeRow = "10–" + highest;
        int outcomeCodes = 0;
        for (String code : codes.keySet()) {
            if (code.equals(outcomeRow)) {
                outcomeCodes++;
                continue;
            }
            int n = Integer.parseInt(code);
            assertTrue(java.util.Arrays.stream(ExitCode.values()).anyMatch(c -> c.code() == n), "README lists exit code " + n
                    + " which ExitCode does not have");
        }
        assertEquals(1, outcomeCodes, "one row " + outcomeRow + " for the outcome codes");

        Map<String, String> outcomes = table("| outcome | how the VM ended | exit code |");
        assertEquals(Outcome.values().length, outcomes.size(), "one row per outcome: " + outcomes.keySet());
        for (Outcome o : Outcome.values()) {
            String code = outcomes.get("`" + o.configName() + "`");
            assertTrue(code != null, "README lacks outcome " + o.configName());
            assertTrue(code.startsWith(String.valueOf(o.exitCode())), o.configName() + ": README says " + code
                    + ", the code says " + o.exitCode());
            assertTrue(o.exitCode() == 0 || o.exitCode() >= 10, o + " is 0 or from 10 up");
        }
    }

    @Test
    void helpListsEveryCodeAndEveryCommand() {
        var r = QuickstartEndToEndTest.cli("--help");
        assertEquals(0, r.code());
        for (ExitCode c : ExitCode.values()) {
            Matcher m = Pattern.compile("(?m)^\\s+" + c.code() + "  (.*)$").matcher(r.out());
            assertTrue(m.find(), "--help lacks exit code " + c.code() + ":\n" + r.out());
            assertEquals(c.meaning(), m.group(1));
        }
        for (Outcome o : Outcome.values()) {
            if (o.exitCode() == 0) continue;
            assertTrue(Pattern.compile("(?m)^\\s+" + o.exitCode() + "  a VM ended " + o.configName() + ",").matcher(r.out()).find(),
                    "--help lacks " + o.configName() + " = " + o.exitCode() + ":\n" + r.out());
        }
        for (String command : List.of("run", "dtb", "disasm", "bench", "serve", "help")) {
            assertTrue(Pattern.compile("(?m)^\\s+" + command + "\\s").matcher(r.out()).find(), "--help lacks " + command);
        }
        var none = QuickstartEndToEndTest.cli();
        assertEquals(ExitCode.BAD_INPUT.code(), none.code());
        assertTrue(none.err().startsWith("epapr-lab: name a command: run, dtb, disasm, symbolize, bench, serve or help"), none.err());
    }
}
