package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code run sample-vms/echo.conf}: console steps type into the guest; a step that never matches is reported by name. */
@Timeout(120)
class ConsoleStepsEndToEndTest {
    @TempDir Path dir;

    @Test
    void theEchoSamplePasses() {
        var r = QuickstartEndToEndTest.cli("run", "../../sample-vms/echo.conf", "--progress", "off");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("[echo] echo> you said: hello from the lab\n[echo] echo> bye\n"), r.out());
    }

    @Test
    void aStepThatTimesOutEndsAsStepTimedOutWithExitCode18() throws Exception {
        Path vm = dir.resolve("stuck.conf");
        Files.writeString(vm, """
                vm {
                  name = stuck
                  image = "%s"
                  console.steps = [ { wait = "login: ", send = root, timeout = 300ms } ]
                }
                """.formatted(Path.of("../../sample-vms/images/echo-e500mc.elf").toAbsolutePath()));
        var r = QuickstartEndToEndTest.cli("run", vm.toString(), "--json", dir.resolve("s.json").toString(), "--progress", "off");
        assertEquals(18, r.code(), r.out() + r.err());
        JsonNode result = new ObjectMapper().readTree(dir.resolve("s.json").toFile()).get("results").get(0);
        assertEquals("step-timed-out", result.get("outcome").asText());
        assertEquals("console step 1 (wait for /login: /, then send \"root\") saw no match within 300 ms (of 1 steps)",
                result.get("detail").asText());
    }
}
