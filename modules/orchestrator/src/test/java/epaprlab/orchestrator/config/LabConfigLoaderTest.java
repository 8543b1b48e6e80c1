package epaprlab.orchestrator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.orchestrator.vm.Outcome;
import epaprlab.ppc.cpu.CpuModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** VM and lab files: defaults, overrides, paths, and errors that name file, line and key. */
class LabConfigLoaderTest {
    @TempDir Path dir;

    private final LabConfigLoader loader = LabConfigLoader.withDefaults();

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private Path image(String name) throws IOException {
        return write(name, "not really an ELF; the loader only checks that it exists");
    }

    @Test
    void vmFileGetsTheDefaults() throws Exception {
        image("g.elf");
        LabConfig lab = loader.load(write("g.conf", "vm {\n  name = g1\n  image = g.elf\n}\n"));
        assertEquals("g1", lab.name());
        VmConfig vm = lab.vms().getFirst();
        assertEquals(dir.resolve("g.elf"), vm.image());
        assertEquals(CpuModel.E500MC, vm.cpu());
        assertEquals(1 << 20, vm.ramBytes());
        assertEquals(1, vm.vcpus());
        assertEquals(1, vm.guestId(), "guest-id 0 means the position in the lab");
        assertTrue(vm.hypercalls().reset());
        assertTrue(vm.hypercalls().shutdown());
        assertFalse(vm.hypercalls().result());
        assertEquals(Outcome.SHUTDOWN, vm.expect());
        assertEquals(Duration.ofSeconds(60), vm.wallTimeout());
    }

    @Test
    void labEntriesArePathsOverridesOrInlineAndImagesResolveAgainstTheirOwnFile() throws Exception {
        image("guests/a.elf");
        image("b.elf");
        write("guests/a.conf", "vm { name = a, image = a.elf, cpu = e5500, ram = 2M }");
        Path lab = write("lab.conf", """
                lab {
                  name = mixed
                  vms = [
                    guests/a.conf
                    { file = guests/a.conf, name = a2, hypercalls.reset = off }
                    { name = b, image = b.elf, expect = failed, limits.wall-timeout = 5s }
                  ]
                }
                """);
        LabConfig cfg = loader.load(lab);
        assertEquals("mixed", cfg.name());
        List<VmConfig> vms = cfg.vms();
        assertEquals(List.of("a", "a2", "b"), vms.stream().map(VmConfig::name).toList());
        assertEquals(dir.resolve("guests/a.elf"), vms.get(0).image());
        assertEquals(dir.resolve("guests/a.elf"), vms.get(1).image());
        assertEquals(CpuModel.E5500, vms.get(1).cpu());
        assertEquals(2 << 20, vms.get(1).ramBytes());
        assertFalse(vms.get(1).hypercalls().reset());
        assertTrue(vms.get(0).hypercalls().reset());
        assertEquals(List.of(1, 2, 3), vms.stream().map(VmConfig::guestId).toList());
        assertEquals(Outcome.FAILED, vms.get(2).expect());
        assertEquals(Duration.ofSeconds(5), vms.get(2).wallTimeout());
    }

    record Bad(String file, String text, String expectedMessage) {}

    @TestFactory
    Stream<DynamicTest> badFilesAreNamedWithFileLineAndKey() throws IOException {
        image("ok.elf");
        return Stream.of(
                new Bad("unknown-key.conf", "vm {\n  name = x\n  image = ok.elf\n  cpuu = e5500\n}\n",
                        "unknown-key.conf:4: vm.cpuu: unknown key"),
                new Bad("bad-cpu.conf", "vm {\n  name = x\n  image = ok.elf\n  cpu = e600\n}\n",
                        "bad-cpu.conf:4: vm.cpu: unknown cpu model \"e600\" (expected e500mc or e5500)"),
                new Bad("bad-ram.conf", "vm {\n  name = x\n  image = ok.elf\n  ram = 1000\n}\n",
                        "bad-ram.conf:4: vm.ram: RAM must be a multiple of 4 KiB"),
                new Bad("wrong-type.conf", "vm {\n  name = x\n  image = ok.elf\n  vcpus = two\n}\n",
                        "wrong-type.conf:4: vm.vcpus:"),
                new Bad("smp.conf", "vm {\n  name = x\n  image = ok.elf\n  vcpus = 2\n}\n",
                        "smp.conf:4: vm.vcpus: only 1 vCPU per VM is supported so far"),
                new Bad("no-name.conf", "vm {\n  image = ok.elf\n}\n", "vm.name: is required"),
                new Bad("no-image.conf", "vm {\n  name = x\n  image = missing.elf\n}\n",
                        "no-image.conf:3: vm.image: no such image file: "),
                new Bad("bad-expect.conf", "vm {\n  name = x\n  image = ok.elf\n  expect = passed\n}\n",
                        "bad-expect.conf:4: vm.expect: unknown final state \"passed\""),
                new Bad("bad-name.conf", "vm {\n  name = \"has space\"\n  image = ok.elf\n}\n",
                        "bad-name.conf:2: vm.name: \"has space\" is not a valid VM name"),
                new Bad("bad-timeout.conf", "vm {\n  name = x\n  image = ok.elf\n  limits.wall-timeout = 0s\n}\n",
                        "bad-timeout.conf:4: vm.limits.wall-timeout: must be a positive duration"),
                new Bad("syntax.conf", "vm {\n  name = x\n  image = ok.elf\n", "syntax.conf: 4:"),
                new Bad("neither.conf", "machine { }\n", "neither.conf:1: (top level): expected a `vm { ... }` block"),
                new Bad("dup.conf", "lab { vms = [ {name = x, image = ok.elf}, {name = x, image = ok.elf} ] }\n",
                        "dup.conf:1: lab.vms[1].name: VM name \"x\" is used twice"),
                new Bad("lab-missing-file.conf", "lab {\n  vms = [\n    nope.conf\n  ]\n}\n",
                        "lab-missing-file.conf:3: lab.vms[0]: no such VM file: "),
                new Bad("lab-unknown.conf", "lab {\n  vm = []\n}\n", "lab-unknown.conf:2: lab.vm: unknown key"),
                new Bad("lab-entry-key.conf", "lab {\n  vms = [\n    { name = x, image = ok.elf, turbo = on }\n  ]\n}\n",
                        "lab-entry-key.conf:3: lab.vms[0].turbo: unknown key"))
            .map(bad -> DynamicTest.dynamicTest(bad.file(), () -> {
                Path file = write(bad.file(), bad.text());
                ConfigProblem p = assertThrows(ConfigProblem.class, () -> loader.load(file));
                assertTrue(p.getMessage().contains(bad.expectedMessage()),
                        () -> "message was: " + p.getMessage() + "\nexpected it to contain: " + bad.expectedMessage());
                assertTrue(p.getMessage().contains(bad.file()), () -> "no file name in: " + p.getMessage());
            }));
    }

    @Test
    void missingFileIsUnreadable() {
        ConfigProblem p = assertThrows(ConfigProblem.class, () -> loader.load(dir.resolve("none.conf")));
        assertTrue(p.getMessage().contains("none.conf: no such file"), p.getMessage());
    }
}
