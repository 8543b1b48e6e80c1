package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshot files across runs: a boot-once lab saves its snapshot, a second run starts VMs from the
 * file (the guest sees it was restored), and a damaged file is refused before anything runs, naming
 * the file, with exit code 2.
 */
@Timeout(120)
class SnapshotFilesTest {
    @TempDir Path dir;

    private static final String SNAPSHOT_GUEST =
            Path.of("../../sample-vms/images/snapshot-e500mc.elf").toAbsolutePath().toString();

    @Test
    void aSavedSnapshotStartsVmsOfASecondRunAndADamagedOneIsRefused() throws Exception {
        Path snap = dir.resolve("snap.bin");
        Path first = Files.writeString(dir.resolve("first.conf"), """
                lab {
                  vms = [ { name = c, image = "%s", count = 3, boot-once = true, snapshot { at = hypercall, file = snap.bin } } ]
                }
                """.formatted(SNAPSHOT_GUEST));
        var one = QuickstartEndToEndTest.cli("run", first.toString(), "--progress", "off");
        assertEquals(0, one.code(), one.out() + one.err());
        assertTrue(one.out().contains("[c-1] snapshot taken: this VM goes on"), one.out());
        assertTrue(one.out().contains("[c-2] snapshot restored: started from it"), one.out());
        assertTrue(Files.size(snap) > 0);

        Path second = Files.writeString(dir.resolve("second.conf"), """
                lab {
                  vms = [ { name = d, image = "%s", count = 2, snapshot.from = snap.bin } ]
                }
                """.formatted(SNAPSHOT_GUEST));
        Path json = dir.resolve("second.json");
        var two = QuickstartEndToEndTest.cli("run", second.toString(), "--progress", "off", "--json", json.toString());
        assertEquals(0, two.code(), two.out() + two.err());
        for (String vm : new String[] {"d-1", "d-2"}) {
            assertTrue(two.out().contains("[" + vm + "] snapshot restored: started from it"), two.out());
            assertTrue(two.out().contains("[" + vm + "] table intact: yes"), two.out());
        }
        JsonNode d1 = new ObjectMapper().readTree(json.toFile()).get("results").get(0);
        assertEquals(0, d1.get("boots").asInt());
        assertEquals(1, d1.get("restores").asInt());
        assertEquals("snapshot file " + snap, d1.get("restoredFrom").asText());

        try (RandomAccessFile f = new RandomAccessFile(snap.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0x5a);                   // one byte in the middle
        }
        var bad = QuickstartEndToEndTest.cli("run", second.toString(), "--progress", "off");
        assertEquals(2, bad.code(), bad.out() + bad.err());
        assertTrue(bad.err().startsWith("epapr-lab: " + second + ":2: lab.vms[0].snapshot.from: refused: "), bad.err());
        assertTrue(bad.err().contains(snap.toString()), bad.err());
        assertEquals("", bad.out());
    }
}
