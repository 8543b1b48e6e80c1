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
import java.util.stream.Collectors;
import java.util.stream.IntStream;
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
        assertEquals(CpuModel.E500MC, vm.board().cpu());
        assertEquals(1 << 20, vm.board().ramBytes());
        assertEquals(1, vm.board().vcpus());
        assertEquals(1, vm.board().guestId(), "guest-id 0 means the position in the lab");
        assertTrue(vm.board().hypercalls().reset());
        assertTrue(vm.board().hypercalls().shutdown());
        assertTrue(vm.board().hypercalls().result());
        assertEquals(java.util.Set.of(Outcome.PASSED, Outcome.SHUTDOWN), vm.expect());
        assertEquals(Duration.ofSeconds(60), vm.limits().wallTimeout());
        assertEquals(epaprlab.orchestrator.policy.Policies.DEFAULT, vm.policies());
        assertEquals(0, vm.limits().maxInstructions());
        assertEquals(10_000, vm.board().compileThreshold());
        VmConfig interpreted = loader.load(write("i.conf",
                "vm {\n  name = i\n  image = g.elf\n  engine.compile-threshold = 0\n}\n")).vms().getFirst();
        assertEquals(0, interpreted.board().compileThreshold(), "0 keeps the guest interpreted");
    }

    /**
     * {@code run lab.conf} in the lab's directory: a file named without a directory has no parent
     * for Typesafe Config, which then looked its relative includes up on the class path (a plain
     * include was skipped without a word, a required one refused as missing).
     */
    @Test
    void includesOfAFileNamedWithoutADirectoryAreReadNextToIt() throws Exception {
        Path image = image("inc.elf");
        String stem = "include-test-" + ProcessHandle.current().pid();
        Path main = Path.of(stem + ".conf"), plain = Path.of(stem + "-plain.conf"), required = Path.of(stem + "-required.conf");
        assertEquals(null, main.getParent());
        try {
            Files.writeString(plain, "cpu = e5500\n");
            Files.writeString(required, "ram = 2M\n");
            Files.writeString(main, "vm {\n  include \"" + plain + "\"\n  include required(\"" + required + "\")\n  name = x\n"
                    + "  image = \"" + image + "\"\n}\n");
            VmConfig vm = loader.load(main).vms().getFirst();
            assertEquals(CpuModel.E5500, vm.board().cpu());
            assertEquals(2 << 20, vm.board().ramBytes());
        } finally {
            for (Path p : List.of(main, plain, required)) Files.deleteIfExists(p);
        }
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
        assertEquals(CpuModel.E5500, vms.get(1).board().cpu());
        assertEquals(2 << 20, vms.get(1).board().ramBytes());
        assertFalse(vms.get(1).board().hypercalls().reset());
        assertTrue(vms.get(0).board().hypercalls().reset());
        assertEquals(List.of(1, 2, 3), vms.stream().map(v -> v.board().guestId()).toList());
        assertEquals(java.util.Set.of(Outcome.FAILED), vms.get(2).expect());
        assertEquals(Duration.ofSeconds(5), vms.get(2).limits().wallTimeout());
    }

    record Bad(String file, String text, String expectedMessage) {}

    @TestFactory
    Stream<DynamicTest> badFilesAreNamedWithFileLineAndKey() throws IOException {
        image("ok.elf");
        return Stream.of(
                new Bad("unknown-key.conf", "vm {\n  name = x\n  image = ok.elf\n  cpuu = e5500\n}\n",
                        "unknown-key.conf:4: vm.cpuu: unknown key"),
                // a null hides the default: named at its own line, not at a merge with reference.conf
                new Bad("null-cpu.conf", "vm {\n  name = x\n  image = ok.elf\n  cpu = null\n}\n",
                        "null-cpu.conf:4: vm.cpu: is null: give a value, or leave the key out for its default"),
                new Bad("null-console.conf", "vm {\n  name = x\n  image = ok.elf\n  console = null\n}\n",
                        "null-console.conf:4: vm.console.buffer: is null"),
                new Bad("unknown-subkey.conf", "vm {\n  name = x\n  image = ok.elf\n  limits.wall-timout = 5s\n}\n",
                        "unknown-subkey.conf:4: vm.limits.wall-timout: unknown key (keys of limits: "),
                new Bad("null-image.conf", "vm {\n  name = x\n  image = null\n}\n", "null-image.conf:1: vm.image: is required"),
                new Bad("bad-cpu.conf", "vm {\n  name = x\n  image = ok.elf\n  cpu = e600\n}\n",
                        "bad-cpu.conf:4: vm.cpu: unknown value \"e600\" (expected e500mc or e5500)"),
                new Bad("bad-ram.conf", "vm {\n  name = x\n  image = ok.elf\n  ram = 1000\n}\n",
                        "bad-ram.conf:4: vm.ram: RAM must be a multiple of 4 KiB"),
                new Bad("wrong-type.conf", "vm {\n  name = x\n  image = ok.elf\n  vcpus = two\n}\n",
                        "wrong-type.conf:4: vm.vcpus:"),
                new Bad("smp.conf", "vm {\n  name = x\n  image = ok.elf\n  vcpus = 65\n}\n",
                        "smp.conf:4: vm.vcpus: must be 1..64, got 65"),
                new Bad("policy.conf", "vm {\n  name = x\n  image = ok.elf\n  on-crash = reboot\n}\n",
                        "policy.conf:4: vm.on-crash: unknown value \"reboot\" (expected restart or stop)"),
                new Bad("regex.conf", "vm {\n  name = x\n  image = ok.elf\n  result.pass-pattern = \"(\"\n}\n",
                        "regex.conf:4: vm.result.pass-pattern: not a regular expression"),
                new Bad("backoff.conf", "vm {\n  name = x\n  image = ok.elf\n  restart { backoff-min = 2s, backoff-max = 1s }\n}\n",
                        "backoff.conf:4: vm.restart.backoff-max: must be >= restart.backoff-min"),
                new Bad("count.conf", "lab {\n  vms = [\n    { name = x, image = ok.elf, count = 0 }\n  ]\n}\n",
                        "count.conf:3: lab.vms[0].count: must be 1..1000000, got 0"),
                new Bad("matrix.conf", "lab {\n  vms = [\n    { name = x, image = ok.elf, matrix { cpux = [e500mc] } }\n  ]\n}\n",
                        "matrix.conf:3: lab.vms[0].matrix.cpux: unknown VM key"),
                new Bad("concurrency.conf", "lab {\n  concurrency = 0\n  vms = [ {name = x, image = ok.elf} ]\n}\n",
                        "concurrency.conf:2: lab.concurrency: must be >= 1"),
                new Bad("no-name.conf", "vm {\n  image = ok.elf\n}\n", "no-name.conf:1: vm.name: is required"),
                new Bad("lab-no-image.conf", "lab {\n  vms = [\n    { name = x }\n  ]\n}\n",
                        "lab-no-image.conf:3: lab.vms[0].image: is required"),
                new Bad("forever.conf", "vm {\n  name = x\n  image = ok.elf\n  limits.wall-timeout = 1000000d\n}\n",
                        "forever.conf:4: vm.limits.wall-timeout: must be at most 24d20h31m23s (the longest timer of "
                                + "akka.scheduler.tick-duration × 2^31), got 1000000d"),
                new Bad("spin-forever.conf", "vm {\n  name = x\n  image = ok.elf\n  engine.spin-poll = 100000d\n}\n",
                        "spin-forever.conf:4: vm.engine.spin-poll: must be at most 24d20h31m23s"),
                new Bad("silence-negative.conf", "vm {\n  name = x\n  image = ok.elf\n  limits.console-silence = -1m\n}\n",
                        "silence-negative.conf:4: vm.limits.console-silence: must not be negative, got -1m"),
                new Bad("console-buffer.conf", "vm {\n  name = x\n  image = ok.elf\n  console.buffer = 1G\n}\n",
                        "console-buffer.conf:4: vm.console.buffer: must be at most 1 MiB (1048576 bytes), got 1073741824"),
                new Bad("max-line.conf", "vm {\n  name = x\n  image = ok.elf\n  console.max-line = 100M\n}\n",
                        "max-line.conf:4: vm.console.max-line: must be at most 1 MiB"),
                new Bad("millions.conf", "lab {\n  vms = [\n    { name = x, image = ok.elf,\n      count = 1000000, matrix { cpu = [e500mc, e5500] } }\n  ]\n}\n",
                        "millions.conf:4: lab.vms[0].count: the lab would hold 2,000,000 VMs (this entry: 2,000,000 = count × matrix); at most"),
                new Bad("dir-image.conf", "vm {\n  name = x\n  image = \"" + dir + "\"\n}\n",
                        "dir-image.conf:3: vm.image: the image " + dir + " is a directory, not a regular file"),
                new Bad("dev-image.conf", "vm {\n  name = x\n  image = /dev/null\n}\n",
                        "dev-image.conf:3: vm.image: the image /dev/null is a character device, not a regular file"),
                new Bad("elf64-on-e500mc.conf", "vm {\n  name = x\n  image = \"" + SAMPLE_64 + "\"\n  cpu = e500mc\n}\n",
                        "elf64-on-e500mc.conf:3: vm.image: " + SAMPLE_64 + " is an ELF64 image; cpu = e500mc runs 32-bit code only"),
                new Bad("no-image.conf", "vm {\n  name = x\n  image = missing.elf\n}\n",
                        "no-image.conf:3: vm.image: no such image file: "),
                new Bad("bad-expect.conf", "vm {\n  name = x\n  image = ok.elf\n  expect = pass\n}\n",
                        "bad-expect.conf:4: vm.expect: unknown final state \"pass\""),
                new Bad("bad-name.conf", "vm {\n  name = \"has space\"\n  image = ok.elf\n}\n",
                        "bad-name.conf:2: vm.name: \"has space\" is not a valid VM name"),
                new Bad("bad-compile.conf", "vm {\n  name = x\n  image = ok.elf\n  engine.compile-threshold = -1\n}\n",
                        "bad-compile.conf:4: vm.engine.compile-threshold: must be >= 0 (0 = never compile), got -1"),
                new Bad("bad-timeout.conf", "vm {\n  name = x\n  image = ok.elf\n  limits.wall-timeout = 0s\n}\n",
                        "bad-timeout.conf:4: vm.limits.wall-timeout: must be a positive duration"),
                new Bad("syntax.conf", "vm {\n  name = x\n  image = ok.elf\n", "syntax.conf:4: expecting a close"),
                new Bad("fraction.conf", "vm {\n  name = x\n  image = ok.elf\n  vcpus = 2.5\n}\n",
                        "fraction.conf:4: vm.vcpus: must be a whole number, got 2.5"),
                new Bad("fraction-limit.conf", "vm {\n  name = x\n  image = ok.elf\n  limits.max-instructions = 1000.5\n}\n",
                        "fraction-limit.conf:4: vm.limits.max-instructions: must be a whole number, got 1000.5"),
                new Bad("huge-clock.conf", "vm {\n  name = x\n  image = ok.elf\n  clock-hz = 1e20\n}\n",
                        "huge-clock.conf:4: vm.clock-hz: out of range, got 1"),
                new Bad("fraction-count.conf", "lab {\n  vms = [\n    { name = x, image = ok.elf, count = 1.5 }\n  ]\n}\n",
                        "fraction-count.conf:3: lab.vms[0].count: must be a whole number, got 1.5"),
                new Bad("fraction-port.conf", "vm {\n  name = x\n  image = ok.elf\n  debug.gdb-port = 1234.5\n}\n",
                        "fraction-port.conf:4: vm.debug.gdb-port: must be a whole number, got 1234.5"),
                new Bad("neither.conf", "machine { }\n", "neither.conf:1: (top level): expected a `vm { ... }` block"),
                new Bad("dup.conf", "lab { vms = [ {name = x, image = ok.elf}, {name = x, image = ok.elf} ] }\n",
                        "dup.conf:1: lab.vms[1].name: VM name \"x\" is used twice"),
                new Bad("dup-count.conf", "lab { vms = [ {name = x-1, image = ok.elf}, {name = x, image = ok.elf, count = 2} ] }\n",
                        "dup-count.conf:1: lab.vms[1].name: VM name \"x-1\" is used twice in this lab (also by lab.vms[0])"),
                new Bad("lab-missing-file.conf", "lab {\n  vms = [\n    nope.conf\n  ]\n}\n",
                        "lab-missing-file.conf:3: lab.vms[0]: no such VM file: "),
                new Bad("matrix-name.conf", "lab {\n  vms = [\n    { name = x, image = ok.elf, matrix { name = [a, b] } }\n  ]\n}\n",
                        "matrix-name.conf:3: lab.vms[0].matrix.name: a matrix's VMs are named <name>-<value>-<value>..."),
                new Bad("lab-unknown.conf", "lab {\n  vm = []\n}\n", "lab-unknown.conf:2: lab.vm: unknown key"),
                new Bad("lab-entry-key.conf", "lab {\n  vms = [\n    { name = x, image = ok.elf, turbo = on }\n  ]\n}\n",
                        "lab-entry-key.conf:3: lab.vms[0].turbo: unknown key"),
                // a number getBytes would saturate to 2^63 - 1 (the message showed that, not what was written)
                new Bad("huge-ram.conf", "vm {\n  name = x\n  image = ok.elf\n  ram = 1e300\n}\n",
                        "huge-ram.conf:4: vm.ram: out of range, got 1.0E300"),
                new Bad("half-buffer.conf", "vm {\n  name = x\n  image = ok.elf\n  console.buffer = 1000.5\n}\n",
                        "half-buffer.conf:4: vm.console.buffer: must be a whole number, got 1000.5"),
                // hostile nesting: the parser's recursion overflowed the stack (a StackOverflowError, not a ConfigProblem)
                new Bad("deep.conf", "vm {\n  name = x\n  image = ok.elf\n  x = " + "{a = ".repeat(20_000) + "1" + "}".repeat(20_000)
                        + "\n}\n", "deep.conf:4: objects or lists nested more than 64 levels deep"),
                new Bad("deep-list.conf", "lab {\n  vms = " + "[".repeat(20_000) + "]".repeat(20_000) + "\n}\n",
                        "deep-list.conf:2: objects or lists nested more than 64 levels deep"),
                // one bracket per line: the line is the one that goes one level too deep
                new Bad("deep-lines.conf", "# a comment {{{\n{\n" + "a {\n".repeat(63) + "b = \"{[{[\"\n" + "a {\n".repeat(5_000)
                        + "}\n".repeat(5_064), "deep-lines.conf:67: objects or lists nested more than 64 levels deep"),
                // a ${...} chain too long for the resolver's recursion is not called a nesting
                new Bad("chain.conf", IntStream.range(0, 50_000).mapToObj(i -> "a" + i + " = ${a" + (i + 1) + "}\n")
                        .collect(Collectors.joining()) + "a50000 = 1\nvm { name = x, image = ok.elf, guest-id = ${a0} }\n",
                        "chain.conf: substitutions (${...}) refer to each other in a chain too long to resolve"),
                new Bad("nested.conf", "vm {\n  name = x\n  image = ok.elf\n  x = " + "{a = ".repeat(70) + "1" + "}".repeat(70)
                        + "\n}\n", "nested.conf:4: objects or lists nested more than 64 levels deep"),
                // a NUL (HOCON's \\u0000) names no file: Path.resolve threw InvalidPathException, a stack trace and exit 3
                new Bad("nul-image.conf", "vm {\n  name = x\n  image = \"ok\\u0000.elf\"\n}\n",
                        "nul-image.conf:3: vm.image: not a file path: Nul character not allowed"),
                new Bad("nul-initrd.conf", "vm {\n  name = x\n  board = ppce500\n  kernel = ok.elf\n  initrd = \"i\\u0000\"\n}\n",
                        "nul-initrd.conf:5: vm.initrd: not a file path: Nul character not allowed"),
                new Bad("nul-snapshot.conf", "vm {\n  name = x\n  image = ok.elf\n  snapshot.file = \"s\\u0000\"\n}\n",
                        "nul-snapshot.conf:4: vm.snapshot.file: not a file path"),
                new Bad("nul-entry.conf", "lab {\n  vms = [\n    \"a\\u0000.conf\"\n  ]\n}\n",
                        "nul-entry.conf:3: lab.vms[0]: not a file path"),
                new Bad("nul-entry-file.conf", "lab {\n  vms = [\n    { file = \"a\\u0000.conf\" }\n  ]\n}\n",
                        "nul-entry-file.conf:3: lab.vms[0].file: not a file path"))
            .map(bad -> DynamicTest.dynamicTest(bad.file(), () -> {
                Path file = write(bad.file(), bad.text());
                ConfigProblem p = assertThrows(ConfigProblem.class, () -> loader.load(file));
                assertTrue(p.getMessage().contains(bad.expectedMessage()),
                        () -> "message was: " + p.getMessage() + "\nexpected it to contain: " + bad.expectedMessage());
                assertTrue(p.getMessage().contains(bad.file()), () -> "no file name in: " + p.getMessage());
            }));
    }

    @Test
    void countsAndMatricesExpandIntoNamedVms() throws Exception {
        image("g.elf");
        Path lab = write("m.conf", """
                lab {
                  concurrency = 7
                  vms = [
                    { name = h, image = g.elf, count = 10 }
                    { name = m, image = g.elf, matrix { cpu = [e500mc, e5500], ram = [1M, 2M] }, expect = [passed] }
                    { name = b, image = g.elf, matrix { cpu = [e5500] }, count = 2, guest-id = 99 }
                  ]
                }
                """);
        LabConfig cfg = loader.load(lab);
        assertEquals(7, cfg.concurrency());
        List<String> names = cfg.vms().stream().map(VmConfig::name).toList();
        assertEquals(List.of("h-01", "h-02", "h-03", "h-04", "h-05", "h-06", "h-07", "h-08", "h-09", "h-10",
                "m-e500mc-1M", "m-e500mc-2M", "m-e5500-1M", "m-e5500-2M", "b-e5500-1", "b-e5500-2"), names);
        VmConfig m = cfg.vms().get(13);
        assertEquals(CpuModel.E5500, m.board().cpu());
        assertEquals(2 << 20, m.board().ramBytes());
        assertEquals(java.util.Set.of(Outcome.PASSED), m.expect());
        assertEquals(List.of(1, 2, 3), cfg.vms().subList(0, 3).stream().map(v -> v.board().guestId()).toList());
        assertEquals(14, cfg.vms().get(13).board().guestId(), "automatic ids follow the position in the lab");
        assertEquals(99, cfg.vms().get(15).board().guestId(), "an explicit guest-id is kept");
    }

    private static final Path SAMPLE_64 = Path.of("../../sample-vms/images/hello-e5500.elf").toAbsolutePath().normalize();

    @Test
    void durationsPrintAsTheyAreWritten() {
        assertEquals("1m", Durations.format(Duration.ofMinutes(1)));
        assertEquals("1m30s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
        assertEquals("1d2h", Durations.format(Duration.ofHours(26)));
        assertEquals("0s", Durations.format(Duration.ZERO));
        assertEquals("-1s", Durations.format(Duration.ofSeconds(-1)));
        assertEquals("1000000d", Durations.format(Duration.ofDays(1_000_000)));
        assertEquals("1s1ns", Durations.format(Duration.ofSeconds(1, 1)));
    }

    @Test
    void zeroDurationsAreNamedAsWritten() throws Exception {
        image("ok.elf");
        Path file = write("zero.conf", "vm {\n  name = x\n  image = ok.elf\n  restart.within = 0s\n}\n");
        ConfigProblem p = assertThrows(ConfigProblem.class, () -> loader.load(file));
        assertTrue(p.getMessage().endsWith("vm.restart.within: must be a positive duration, got 0s"), p.getMessage());
    }

    @Test
    void guestRamIsNotChargedWhenTheLabIsLoaded() throws Exception {
        image("ok.elf");
        var small = new LabConfigLoader(com.typesafe.config.ConfigFactory.load(), new HeapBudget(256L << 20));
        // copy-on-write RAM is charged by the page as the guest writes it (admission.Admission), not here
        assertEquals(1, small.load(write("big.conf", "vm {\n  name = x\n  image = ok.elf\n  ram = 1G\n}\n")).vms().size());
        Path many = write("many.conf", "lab {\n  concurrency = 100\n  vms = [ { name = x, image = ok.elf, ram = 64M, count = 100 } ]\n}\n");
        assertEquals(100, small.load(many).vms().size());
    }

    @Test
    void countsAndMatricesAreBoundedByTheHeapBeforeTheyExpand() throws Exception {
        image("ok.elf");
        var small = new LabConfigLoader(com.typesafe.config.ConfigFactory.load(), new HeapBudget(100L << 20));  // 512 VMs
        Path file = write("matrix.conf", "lab {\n  vms = [\n    { name = a, image = ok.elf, count = 500 }\n"
                + "    { name = x, image = ok.elf, matrix { cpu = [e500mc, e5500], bootargs = [a, b], guest-id = [1, 2, 3, 4] } }\n  ]\n}\n");
        ConfigProblem p = assertThrows(ConfigProblem.class, () -> small.load(file));
        assertEquals(file + ":4: lab.vms[1].matrix: the lab would hold 516 VMs (this entry: 16 = count × matrix); "
                + "at most 512 fit in this JVM's heap of 100 MiB (raise it with -Xmx, e.g. EPAPR_LAB_JAVA_OPTS=-Xmx8g)", p.getMessage());
    }

    @Test
    void aDirectoryGivenAsTheConfigIsNamedAsOne() {
        ConfigProblem p = assertThrows(ConfigProblem.class, () -> loader.load(dir));
        assertEquals(dir + " is a directory, not a regular file", p.getMessage());
        // an empty argument means the current directory to Path: it said " is a directory, not a regular file"
        ConfigProblem empty = assertThrows(ConfigProblem.class, () -> loader.load(Path.of("")));
        assertEquals("\"\": an empty path names no file", empty.getMessage());
    }

    /** A disk image given as the config was read whole (3 GiB: an OutOfMemoryError's trace); now refused by its size. */
    @Test
    void aFileTooLargeToBeAConfigIsRefusedUnread() throws Exception {
        Path image = dir.resolve("disk.img");
        try (var f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(3L << 30);                           // sparse: no disk space
        }
        ConfigProblem p = assertThrows(ConfigProblem.class, () -> loader.load(image));
        assertEquals(image + ": 3,221,225,472 bytes; a config file may have at most 64 MiB (is it the config?)", p.getMessage());
    }

    /** A missing {@code include required(...)} is named by the including file and line (it named only the missing file). */
    @Test
    void aMissingRequiredIncludeIsNamedByTheLineThatIncludesIt() throws Exception {
        image("g.elf");
        Path file = write("lab.conf", "# a lab\ninclude required(\"common.conf\")\nvm { name = g, image = g.elf }\n");
        ConfigProblem p = assertThrows(ConfigProblem.class, () -> loader.load(file));
        assertEquals(file + ":2: include required(\"common.conf\"): no such file common.conf", p.getMessage());
        Path other = write("other.conf", "vm { name = g, image = g.elf }\ninclude required(file(\"gone.conf\"))\n");
        ConfigProblem q = assertThrows(ConfigProblem.class, () -> loader.load(other));
        assertEquals(other + ":2: include required(file(\"gone.conf\")): no such file gone.conf", q.getMessage());
    }

    /** A symbolic link loop was "no such file"; it names itself (a link to a missing file stays "no such file"). */
    @Test
    void aSymbolicLinkLoopIsNamedAsOne() throws Exception {
        Path a = dir.resolve("a.conf"), b = dir.resolve("b.conf");
        Files.createSymbolicLink(a, b);
        Files.createSymbolicLink(b, a);
        ConfigProblem p = assertThrows(ConfigProblem.class, () -> loader.load(a));
        assertEquals(a + " is a symbolic link loop, not a regular file", p.getMessage());
        Path dangling = Files.createSymbolicLink(dir.resolve("c.conf"), dir.resolve("gone.conf"));
        assertTrue(assertThrows(ConfigProblem.class, () -> loader.load(dangling)).getMessage().contains("c.conf: no such file"));
    }

    @Test
    void missingFileIsUnreadable() {
        ConfigProblem p = assertThrows(ConfigProblem.class, () -> loader.load(dir.resolve("none.conf")));
        assertTrue(p.getMessage().contains("none.conf: no such file"), p.getMessage());
    }
}
