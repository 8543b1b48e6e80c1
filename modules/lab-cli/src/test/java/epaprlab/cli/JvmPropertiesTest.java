package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code EPAPR_LAB_JAVA_OPTS=-Depaprlab.*}: a value the product would misread or a name it does
 * not read is one line and exit 2 before anything runs, in a JVM started with it as
 * {@code bin/epapr-lab} starts one.
 */
@Timeout(120)
class JvmPropertiesTest {
    @TempDir Path dir;

    private static final String HELLO = Path.of("../../sample-vms/hello-32.conf").toAbsolutePath().toString();

    private ForkedCli.Ended run(String property) throws Exception {
        return ForkedCli.run(dir, Duration.ofSeconds(60), List.of(property), "run", HELLO, "--progress", "off");
    }

    @Test
    void anOutOfRangeSlotCountIsRefusedNotClamped() throws Exception {
        ForkedCli.Ended e = run("-Depaprlab.region-page-slots=9");
        assertEquals(2, e.code(), e.err());
        assertEquals("epapr-lab: -Depaprlab.region-page-slots=9: must be a whole number from 1 to 3\n", e.err());
        assertEquals("", e.out());
    }

    @Test
    void aPageCacheTypoIsOneLineNotACrashPerVm() throws Exception {
        ForkedCli.Ended e = run("-Depaprlab.region-page-cache=ture");
        assertEquals(2, e.code(), e.out() + e.err());
        assertEquals("epapr-lab: -Depaprlab.region-page-cache=ture: must be hot, true or false\n", e.err());
    }

    @Test
    void aMisspeltPropertyIsNamedWithTheKnownOnes() throws Exception {
        ForkedCli.Ended e = run("-Depaprlab.region-page-slot=3");
        assertEquals(2, e.code(), e.err());
        assertEquals("epapr-lab: -Depaprlab.region-page-slot=3: not a property of epapr-lab (known: " + String.join(", ",
                JvmProperties.RULES.stream().map(r -> r.name()).toList()) + ")\n", e.err());
    }

    @Test
    void theHeapCheckTakesOnOrOff() throws Exception {
        ForkedCli.Ended e = run("-Depaprlab.heap-check=of");
        assertEquals(2, e.code(), e.err());
        assertEquals("epapr-lab: -Depaprlab.heap-check=of: must be on or off\n", e.err());
        assertEquals(0, run("-Depaprlab.heap-check=off").code());
    }
}
