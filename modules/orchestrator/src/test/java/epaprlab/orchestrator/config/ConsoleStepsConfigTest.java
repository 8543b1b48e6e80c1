package epaprlab.orchestrator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.orchestrator.config.VmConfig.ConsoleStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** {@code console.steps}: bound in order with their defaults; every bad step named by file, line and key. */
class ConsoleStepsConfigTest {
    @TempDir Path dir;
    final LabConfigLoader loader = LabConfigLoader.withDefaults();

    private Path vm(String file, String steps) throws IOException {
        // a real image: the config checks an ELF's headers as the image loader does
        Files.copy(Path.of("../../sample-vms/images/hello-e500mc.elf"), dir.resolve("ok.elf"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return Files.writeString(dir.resolve(file), "vm {\n  name = x\n  image = ok.elf\n" + steps + "}\n");
    }

    @Test
    void stepsAreBoundInOrderWithTheDefaultTimeout() throws Exception {
        VmConfig vm = loader.load(vm("steps.conf", """
                  console.step-timeout = 7s
                  console.steps = [
                    { wait = "echo> $", send = hello }
                    { wait = "you said: hello", timeout = 2s }
                  ]
                """)).vms().getFirst();
        List<ConsoleStep> steps = vm.consoleSteps();
        assertEquals(2, steps.size());
        assertEquals(1, steps.get(0).number());
        assertEquals("echo> $", steps.get(0).waitFor().pattern());
        assertEquals(Optional.of("hello"), steps.get(0).send());
        assertEquals(Duration.ofSeconds(7), steps.get(0).timeout());
        assertEquals(Optional.empty(), steps.get(1).send());
        assertEquals(Duration.ofSeconds(2), steps.get(1).timeout());
        assertEquals("console step 1 (wait for /echo> $/, then send \"hello\")", steps.get(0).describe());
        assertEquals(List.of(), loader.load(vm("none.conf", "")).vms().getFirst().consoleSteps(), "no steps by default");
    }

    record Bad(String file, String steps, String expected) {}

    @TestFactory
    Stream<DynamicTest> badStepsNameFileLineAndKey() {
        return Stream.of(
                new Bad("not-object.conf", "  console.steps = [ hello ]\n", "not-object.conf:4: vm.console.steps[0]: a step is an object"),
                new Bad("no-wait.conf", "  console.steps = [\n    { send = x }\n  ]\n", "no-wait.conf:5: vm.console.steps[0].wait: is required"),
                new Bad("empty-wait.conf", "  console.steps = [ { wait = \"\" } ]\n", "empty-wait.conf:4: vm.console.steps[0].wait: must not be empty"),
                new Bad("bad-regex.conf", "  console.steps = [\n    { wait = \"ok\" }\n    { wait = \"(\" }\n  ]\n",
                        "bad-regex.conf:6: vm.console.steps[1].wait: not a regular expression"),
                new Bad("unknown.conf", "  console.steps = [ { wait = x, sned = y } ]\n",
                        "unknown.conf:4: vm.console.steps[0].sned: unknown key (step keys: send, timeout, wait)"),
                new Bad("timeout.conf", "  console.steps = [ { wait = x, timeout = 0s } ]\n",
                        "timeout.conf:4: vm.console.steps[0].timeout: must be a positive duration"),
                new Bad("not-list.conf", "  console.steps = yes\n", "not-list.conf:4: vm.console.steps:"),
                new Bad("default.conf", "  console.step-timeout = -1s\n", "default.conf:4: vm.console.step-timeout: must not be negative"))
            .map(bad -> DynamicTest.dynamicTest(bad.file(), () -> {
                Path file = vm(bad.file(), bad.steps());
                ConfigProblem p = assertThrows(ConfigProblem.class, () -> loader.load(file));
                assertTrue(p.getMessage().contains(bad.expected()), () -> p.getMessage() + "\nexpected: " + bad.expected());
            }));
    }
}
