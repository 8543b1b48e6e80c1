package epaprlab.orchestrator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.orchestrator.policy.Policies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot keys: {@code snapshot { at, console-pattern, file, from }}, {@code boot-once}, {@code on-reset = snapshot}. */
class SnapshotKeysTest {
    @TempDir Path dir;

    private final LabConfigLoader loader = LabConfigLoader.withDefaults();

    private Path lab(String entry) throws Exception {
        Files.writeString(dir.resolve("ok.elf"), "not really an ELF; the loader only checks that it exists");
        return Files.writeString(dir.resolve("lab.conf"), "lab {\n  vms = [\n    " + entry + "\n  ]\n}\n");
    }

    @Test
    void aBootOnceEntrySharesOneGroupAndKeepsItsKeys() throws Exception {
        LabConfig lab = loader.load(lab("{ name = c, image = ok.elf, count = 3, boot-once = true, on-reset = snapshot, "
                + "snapshot { at = console, console-pattern = \"ready> $\", file = snap.bin } }"));
        assertEquals(3, lab.vms().size());
        for (VmConfig vm : lab.vms()) {
            VmConfig.SnapshotRules s = vm.snapshot();
            assertEquals(VmConfig.SnapshotAt.CONSOLE, s.at());
            assertEquals("ready> $", s.consolePattern().orElseThrow().pattern());
            assertEquals(dir.resolve("snap.bin"), s.file().orElseThrow());
            assertTrue(s.bootOnce());
            assertEquals("lab.vms[0]", s.group());
            assertEquals(Policies.OnReset.SNAPSHOT, vm.policies().onReset());
        }
    }

    record Case(String entry, String error) {}

    @TestFactory
    Stream<DynamicTest> badKeysNameFileLineAndKey() {
        return Stream.of(
                new Case("{ name = c, image = ok.elf, snapshot.at = always }",
                        "lab.vms[0].snapshot.at: unknown value \"always\" (expected none or hypercall or console)"),
                new Case("{ name = c, image = ok.elf, snapshot.at = console }",
                        "lab.vms[0].snapshot.at: snapshot.at = console needs snapshot.console-pattern"),
                new Case("{ name = c, image = ok.elf, snapshot.console-pattern = \"x\" }",
                        "lab.vms[0].snapshot.console-pattern: is used only with snapshot.at = console"),
                new Case("{ name = c, image = ok.elf, snapshot { at = console, console-pattern = \"(\" } }",
                        "lab.vms[0].snapshot.console-pattern: not a regular expression: Unclosed group at index 1"),
                new Case("{ name = c, image = ok.elf, count = 2, boot-once = true }",
                        "lab.vms[0].boot-once: needs a snapshot point: snapshot.at = hypercall or console"),
                new Case("{ name = c, image = ok.elf, count = 2, snapshot { at = hypercall, file = s.bin } }",
                        "lab.vms[0].snapshot.file: every VM of this entry (count × matrix) would write " + dir.resolve("s.bin")
                                + ": with boot-once = true only the VM that boots writes it"),
                new Case("{ name = c, image = ok.elf, snapshot.file = \"nodir/s.bin\" }",
                        "lab.vms[0].snapshot.file: cannot be written: its directory " + dir.resolve("nodir") + ": no such file"),
                new Case("{ name = c, image = ok.elf, snapshot.from = \"none.bin\" }",
                        "lab.vms[0].snapshot.from: no such file: " + dir.resolve("none.bin")),
                new Case("{ name = c, image = ok.elf, on-reset = again }",
                        "lab.vms[0].on-reset: unknown value \"again\" (expected restart or shutdown or decline or snapshot)"))
                .map(c -> DynamicTest.dynamicTest(c.error(), () -> {
                    Path file = lab(c.entry());
                    ConfigProblem p = assertThrows(ConfigProblem.class, () -> loader.load(file));
                    assertEquals(file + ":3: " + c.error(), p.getMessage());
                }));
    }
}
