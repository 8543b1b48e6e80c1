package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Bad debugging options and keys are refused in one line naming the option or key, with exit code 2. */
@Timeout(60)
class DebugOptionsTest {
    @TempDir Path dir;

    record Case(String keys, String[] options, String message) {}

    @Test
    void refusedByName() throws Exception {
        String image = Path.of("../../sample-vms/images/chaos-e500mc.elf").toAbsolutePath().toString();
        for (Case c : new Case[] {
                new Case("", new String[] {"--gdb", "nosuch:1234"}, "--gdb nosuch:1234: "),
                new Case("", new String[] {"--gdb", "v:99999"}, "the port must be a number from 0 to 65535"),
                new Case("", new String[] {"--gdb", "v:x"}, "the port must be a number from 0 to 65535"),
                new Case("", new String[] {"--gdb", ":1234"}, "--gdb :1234: no VM name (expected VM or VM:PORT, e.g. v:1234)"),
                new Case("", new String[] {"--gdb", ""}, "--gdb : no VM name (expected VM or VM:PORT, e.g. v:1234)"),
                new Case("", new String[] {"--trace-branches", "70000"}, "--trace-branches must be 0 (off) to 65536"),
                new Case("", new String[] {"--only", "w"}, "--only w: "),
                // an empty value: a slip (a shell variable unset), named as one; --logs "" wrote logs into the cwd
                new Case("", new String[] {"--only="}, "--only: no VM name (expected --only VM, e.g. v)"),
                new Case("", new String[] {"--attach="}, "--attach: no VM name (expected --attach VM, e.g. v)"),
                new Case("", new String[] {"--logs="}, "--logs: no path given (expected --logs DIR)"),
                new Case("", new String[] {"--junit="}, "--junit: no path given (expected --junit FILE)"),
                new Case("", new String[] {"--json="}, "--json: no path given (expected --json FILE)"),
                new Case("debug.gdb = always", new String[0], "debug.gdb"),
                new Case("debug.gdb-port = 70000", new String[0], "debug.gdb-port"),
                new Case("debug.trace-branches = -1", new String[0], "debug.trace-branches")}) {
            Path vm = dir.resolve("v.conf");
            Files.writeString(vm, "vm { name = v, image = \"" + image + "\"\n" + c.keys() + "\n}\n");
            String[] args = new String[2 + c.options().length];
            args[0] = "run";
            args[1] = vm.toString();
            System.arraycopy(c.options(), 0, args, 2, c.options().length);
            var r = QuickstartEndToEndTest.cli(args);
            assertEquals(2, r.code(), c + ": " + r.out() + r.err());
            assertTrue(r.err().startsWith("epapr-lab: ") && r.err().contains(c.message()) && r.err().strip().lines().count() == 1,
                    c.message() + " in:\n" + r.err());
        }
    }
}
