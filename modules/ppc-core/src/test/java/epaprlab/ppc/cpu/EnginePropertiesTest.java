package epaprlab.ppc.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code -Depaprlab.*}: each engine property refuses what its reader would misread, by name. */
class EnginePropertiesTest {
    private static Optional<String> problem(String name, String value) {
        Properties p = new Properties();
        p.setProperty(name, value);
        return EngineProperties.problem(EngineProperties.RULES, p);
    }

    @Test
    void valuesTheReadersWouldMisreadAreRefusedByName() {
        // was clamped to 3 silently
        assertEquals(Optional.of("-Depaprlab.region-page-slots=9: must be a whole number from 1 to 3"),
                problem("epaprlab.region-page-slots", "9"));
        assertEquals(Optional.of("-Depaprlab.region-page-slots=0: must be a whole number from 1 to 3"),
                problem("epaprlab.region-page-slots", "0"));
        // a typo acted as hot (then: each VM crashed at boot)
        assertEquals(Optional.of("-Depaprlab.region-page-cache=ture: must be hot, true or false"),
                problem("epaprlab.region-page-cache", "ture"));
        assertEquals(Optional.of("-Depaprlab.region-cr-compares=yes: must be hot, true or false"),
                problem("epaprlab.region-cr-compares", "yes"));
        // Integer.getInteger gave the default for what is not a number
        assertEquals(Optional.of("-Depaprlab.compile-threshold=10_000: must be a whole number >= 0"),
                problem("epaprlab.compile-threshold", "10_000"));
        assertEquals(Optional.of("-Depaprlab.code-cache-regions=0: must be a whole number >= 1"),
                problem("epaprlab.code-cache-regions", "0"));
        assertEquals(Optional.of("-Depaprlab.region-loop-instructions=2000: must be a whole number from 0 to 1024"),
                problem("epaprlab.region-loop-instructions", "2000"));
        // anything but "block" ran the region tier; anything but "false" kept FPR locals
        assertEquals(Optional.of("-Depaprlab.tier=blocks: must be region or block"), problem("epaprlab.tier", "blocks"));
        assertEquals(Optional.of("-Depaprlab.region-fpr-locals=no: must be true or false"), problem("epaprlab.region-fpr-locals", "no"));
        assertEquals(Optional.of("-Depaprlab.compile-sync=yes: must be true or false"), problem("epaprlab.compile-sync", "yes"));
        assertEquals(Optional.of("-Depaprlab.engine.fault-word=mr: must be a 32-bit instruction word in hexadecimal (0x7c7f1b78)"),
                problem(Cpu.FAULT_WORD_PROPERTY, "mr"));
    }

    @Test
    void valuesTheReadersTakeAreAccepted() {
        for (String[] ok : new String[][] {{"epaprlab.region-page-slots", "1"}, {"epaprlab.region-page-slots", "3"},
                {"epaprlab.region-page-cache", "hot"}, {"epaprlab.region-page-cache", "false"}, {"epaprlab.tier", "block"},
                {"epaprlab.region-cr-compares", "hot"}, {"epaprlab.region-cr-compares", "true"},
                {"epaprlab.compile-threshold", "0"}, {"epaprlab.compile-threshold", "0x10"}, {"epaprlab.compile-sync", "true"},
                {"epaprlab.region-hot-instructions", "50000000"}, {"epaprlab.region-loop-instructions", "0"}, {Cpu.FAULT_WORD_PROPERTY, "0x7c7f1b78"}}) {
            assertEquals(Optional.empty(), problem(ok[0], ok[1]), ok[0] + "=" + ok[1]);
        }
    }

    /** Every property the engine's sources read has its rule here, and no rule names a property nothing reads. */
    @Test
    void everyPropertyTheSourcesReadHasARule() throws IOException {
        Pattern read = Pattern.compile("(?:getProperty|getInteger|getBoolean|getLong)\\(\\s*\"(epaprlab\\.[^\"]+)\"|_PROPERTY\\s*=\\s*\"(epaprlab\\.[^\"]+)\"");
        Set<String> inSources = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = read.matcher(Files.readString(f));
                while (m.find()) inSources.add(m.group(1) != null ? m.group(1) : m.group(2));
            }
        }
        Set<String> ruled = EngineProperties.RULES.stream().map(EngineProperties.Rule::name).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(inSources, ruled);
    }
}
