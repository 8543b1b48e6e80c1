package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --json} records how to rerun each VM; {@code run FILE --only VM} reruns just that one
 * with the same instruction count, console and outcome (a four-vCPU VM too: its vCPUs take turns);
 * a crashed VM rerun alone crashes at the same PC.
 */
@Timeout(300)
class ReplayOnlyTest {
    @TempDir Path dir;

    @Test
    void jsonReplayCommandRerunsOneVmExactly() throws Exception {
        Path images = Path.of("../../sample-vms/images").toAbsolutePath().normalize();
        Path lab = dir.resolve("mix.conf");
        Files.writeString(lab, """
                lab {
                  name = mix
                  vms = [
                    { name = healthy, image = "%1$s/chaos-e500mc.elf", bootargs = "mode=pass", count = 3, expect = passed }
                    { name = smp, image = "%1$s/smp-counter-e5500.elf", cpu = e5500, vcpus = 4, expect = passed }
                    { name = crasher, image = "%1$s/chaos-e5500.elf", cpu = e5500, bootargs = "mode=crash", expect = crashed }
                  ]
                }
                """.formatted(images));
        Path json = dir.resolve("all.json");
        var all = QuickstartEndToEndTest.cli("run", lab.toString(), "--json", json.toString(), "--progress", "off");
        assertEquals(0, all.code(), all.out() + all.err());
        JsonNode results = new ObjectMapper().readTree(json.toFile()).get("results");
        for (String vm : new String[] {"healthy-2", "crasher", "smp"}) {
            JsonNode r = find(results, vm);
            JsonNode replay = r.get("replay");
            assertEquals("epapr-lab run " + lab.toAbsolutePath().normalize() + " --only " + vm, replay.get("command").asText());
            assertTrue(replay.get("exact").asBoolean(), replay.toString());
            Path image = Path.of(replay.get("image").asText());
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(image))),
                    replay.get("imageSha256").asText());
            Path one = dir.resolve(vm + ".json");
            var again = QuickstartEndToEndTest.cli("run", replay.get("config").asText(), "--only", vm, "--json", one.toString(),
                    "--progress", "off");
            assertEquals(0, again.code(), again.out() + again.err());
            JsonNode alone = new ObjectMapper().readTree(one.toFile()).get("results");
            assertEquals(1, alone.size());
            JsonNode r2 = alone.get(0);
            assertEquals(vm, r2.get("vm").asText());
            assertEquals(r.get("outcome").asText(), r2.get("outcome").asText());
            assertEquals(r.get("instructions").asLong(), r2.get("instructions").asLong(), vm);
            assertEquals(r.get("detail").asText(), r2.get("detail").asText());
            assertEquals(String.valueOf(r.get("crash")), String.valueOf(r2.get("crash")), vm);
            String consoleLine = "[" + vm + "] " + switch (vm) {
                case "crasher" -> vm + ": crashing";
                case "smp" -> "counter=4000000 expected=4000000";
                default -> vm + ": pass";
            };
            assertTrue(again.out().contains(consoleLine + "\n") && all.out().contains(consoleLine + "\n"), again.out());
        }
        var unknown = QuickstartEndToEndTest.cli("run", lab.toString(), "--only", "healthy-9");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("--only healthy-9: ") && unknown.err().contains("has no VM of that name (it has healthy-1, "),
                unknown.err());
    }

    private static JsonNode find(JsonNode results, String vm) {
        for (JsonNode r : results) if (r.get("vm").asText().equals(vm)) return r;
        throw new AssertionError(vm + " not in " + results);
    }
}
