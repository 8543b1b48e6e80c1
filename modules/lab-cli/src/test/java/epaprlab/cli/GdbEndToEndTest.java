package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.testsupport.OutsideTool;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real gdb-multiarch in batch mode against {@code epapr-lab run --gdb}, on both cores, while
 * another VM of the lab runs to its end: break at a function by name, continue, read registers
 * and a variable, step, continue to the end; and attach to a guest held after its crash
 * (debug.gdb = on-crash) and print its backtrace and the crashing instruction.
 */
@Timeout(300)
class GdbEndToEndTest {
    @TempDir Path dir;

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String gdb(Path dir, Path elf, int port, String... commands) throws Exception {
        List<String> script = new ArrayList<>(List.of("set pagination off", "set confirm off", "file " + elf,
                "target remote 127.0.0.1:" + port));
        script.addAll(List.of(commands));
        Path file = dir.resolve("gdb-" + port + ".cmds");
        Files.write(file, script);
        return OutsideTool.GDB_MULTIARCH.run("-nx", "-batch", "-x", file.toString()).timeout(Duration.ofSeconds(120)).output();
    }

    @ParameterizedTest
    @ValueSource(strings = {"e500mc", "e5500"})
    void breakReadStepContinueToTheEnd(String cpu) throws Exception {
        Path elf = Path.of("../../sample-vms/images/chaos-" + cpu + ".elf").toAbsolutePath().normalize();
        Path lab = dir.resolve("lab.conf");
        Files.writeString(lab, """
                lab {
                  vms = [
                    { name = target, image = "%s", cpu = %s, bootargs = "mode=pass", expect = passed, limits.wall-timeout = 5s }
                    { name = other, image = "%s", cpu = e5500, bootargs = "mode=spam", expect = passed }
                  ]
                }
                """.formatted(elf, cpu, elf.resolveSibling("chaos-e5500.elf")));
        int port = freePort();
        Process run = ForkedCli.start(dir, List.of(), "run", lab.toString(), "--gdb", "target:" + port, "--console", "none",
                "--progress", "off");
        ForkedCli.awaitText(dir.resolve("stderr.txt"), "gdb stub on 127.0.0.1:" + port, Duration.ofSeconds(60));
        String out = gdb(dir, elf, port,
                "info registers pc",
                "break mode_is",
                "continue",
                "info registers pc r1 r3 lr msr",
                "x/s *(char**)&bootargs",
                "stepi",
                "stepi",
                "stepi",
                "info registers pc",
                "info threads",
                "shell sleep 6",                      // longer than the wall-clock limit: held, it does not run
                "delete",
                "continue");
        assertTrue(out.contains("in _start ()"), "held at the first instruction:\n" + out);
        assertTrue(out.contains("Breakpoint 1, 0x"), out);
        long mode = symbol(elf, cpu, "mode_is");
        Matcher pc = Pattern.compile("(?m)^pc\\s+0x([0-9a-f]+)\\s+0x[0-9a-f]+ <(?:\\.)?mode_is(\\+\\d+)?>$").matcher(out);
        assertTrue(pc.find(), out);
        assertEquals(mode, Long.parseLong(pc.group(1), 16), "stopped at mode_is:\n" + out);
        assertTrue(pc.find(), out);
        assertEquals(mode + 12, Long.parseLong(pc.group(1), 16), "three steps later (mode_is starts straight):\n" + out);
        assertTrue(out.contains("\"mode=pass\""), "the bootargs variable:\n" + out);
        assertTrue(Pattern.compile("(?m)^lr\\s+0x[0-9a-f]+\\s+0x[0-9a-f]+ <\\.?main\\+\\d+>$").matcher(out).find(), out);
        assertTrue(out.contains("[Inferior 1 (Remote target) exited normally]"), out);
        var ended = ForkedCli.await(run, dir, Duration.ofSeconds(120));
        assertEquals(0, ended.code(), ended.out() + ended.err());
        assertTrue(ended.out().matches("(?s).*\\ntarget\\s+passed\\s.*") && ended.out().matches("(?s).*\\nother\\s+passed\\s.*"),
                ended.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"e500mc", "e5500"})
    void attachAfterACrashShowsItsBacktrace(String cpu) throws Exception {
        Path elf = Path.of("../../sample-vms/images/chaos-" + cpu + ".elf").toAbsolutePath().normalize();
        int port = freePort();
        Path vm = dir.resolve("crash.conf");
        Files.writeString(vm, "vm { name = crasher, image = \"%s\", cpu = %s, bootargs = \"mode=crash\", expect = crashed, debug.gdb = on-crash, debug.gdb-port = %d }\n"
                .formatted(elf, cpu, port));
        Process run = ForkedCli.start(dir, List.of(), "run", vm.toString(), "--progress", "off");
        ForkedCli.awaitText(dir.resolve("stderr.txt"), "held for gdb", Duration.ofSeconds(60));
        String out = gdb(dir, elf, port, "bt", "x/i $pc", "info registers pc", "detach");
        assertTrue(out.contains("#0  0x") && out.contains(" in main ()"), out);
        assertTrue(Pattern.compile("=> 0x[0-9a-f]+ <\\.?main\\+\\d+>:\\s+\\.long 0x0").matcher(out).find(), out);
        var ended = ForkedCli.await(run, dir, Duration.ofSeconds(120));
        assertEquals(0, ended.code(), ended.out() + ended.err());
        assertTrue(ended.out().contains("crashed"), ended.out());
    }

    private static long symbol(Path elf, String cpu, String name) throws Exception {
        var symbols = epaprlab.machine.boot.ElfSymbols.read(elf);
        // nm is the reference for where the function starts
        String nm = OutsideTool.binutil("nm", cpu.equals("e5500")).run(cpu.equals("e5500") ? List.of("--synthetic", elf.toString()) : List.of(elf.toString())).output();
        Matcher m = Pattern.compile("(?m)^([0-9a-f]+) [Tt] \\.?" + name + "$").matcher(nm);
        assertTrue(m.find(), nm);
        long address = Long.parseLong(m.group(1), 16);
        assertEquals(address, symbols.byName(name).orElseThrow().address());
        return address;
    }
}
