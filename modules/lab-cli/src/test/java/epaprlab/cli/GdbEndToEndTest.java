package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.testsupport.OutsideTool;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
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

    /** A free port for an outside tool (QEMU) that cannot be asked for any; our stubs are (port 0). */
    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Waits (bounded) for {@code vm}'s stub, opened on port 0, to print where it listens, and returns
     * that port: a port probed free by the test could be taken by another process (other builds
     * run tests on the same machine) before the forked JVM binds it.
     */
    static int stubPort(Path dir, String vm) throws Exception {
        Path stderr = dir.resolve("stderr.txt");
        String announced = "epapr-lab: vm " + vm + ": gdb stub on 127.0.0.1:";
        ForkedCli.awaitText(stderr, announced, Duration.ofSeconds(60));
        Matcher m = Pattern.compile(Pattern.quote(announced) + "(\\d+) ").matcher("");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!m.reset(Files.readString(stderr)).find()) {            // the port's digits may come a write later
            if (System.nanoTime() > deadline) throw new AssertionError("no port after: " + Files.readString(stderr));
            Thread.sleep(10);
        }
        return Integer.parseInt(m.group(1));
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
        Process run = ForkedCli.start(dir, List.of(), "run", lab.toString(), "--gdb", "target:0", "--console", "none",
                "--progress", "off");
        int port = stubPort(dir, "target");
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

    /**
     * gdb's {@code kill} ends the VM it debugs, as QEMU's stub ends the emulator: the guest, held
     * at a breakpoint before its result, never reports it and ends {@code stopped} naming gdb,
     * while the lab's other VM runs to its end. It used to work like detach: the guest ran on and
     * passed.
     */
    @org.junit.jupiter.api.Test
    void killEndsTheVmAndTheLabGoesOn() throws Exception {
        Path elf = SAMPLES.resolve("images/chaos-e500mc.elf");
        Path lab = dir.resolve("lab.conf");
        Files.writeString(lab, """
                lab {
                  vms = [
                    { name = target, image = "%s", bootargs = "mode=pass", expect = stopped }
                    { name = other, image = "%s", cpu = e5500, bootargs = "mode=spam", expect = passed }
                  ]
                }
                """.formatted(elf, SAMPLES.resolve("images/chaos-e5500.elf")));
        Process run = ForkedCli.start(dir, List.of(), "run", lab.toString(), "--gdb", "target:0", "--console", "none",
                "--progress", "off", "--json", dir.resolve("report.json").toString());
        int port = stubPort(dir, "target");
        String out = gdb(dir, elf, port, "break mode_is", "continue", "kill");
        assertTrue(out.contains("Breakpoint 1, 0x"), out);
        assertFinds("^\\[Inferior 1 \\(Remote target\\) killed\\]$", out);
        var ended = ForkedCli.await(run, dir, Duration.ofSeconds(120));
        assertEquals(0, ended.code(), ended.out() + ended.err());
        assertTrue(ended.out().matches("(?s).*\\ntarget\\s+stopped\\s.*") && ended.out().matches("(?s).*\\nother\\s+passed\\s.*"),
                ended.out());
        assertTrue(Files.readString(dir.resolve("report.json")).contains("stopped by the host: gdb's kill"),
                Files.readString(dir.resolve("report.json")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"e500mc", "e5500"})
    void attachAfterACrashShowsItsBacktrace(String cpu) throws Exception {
        Path elf = Path.of("../../sample-vms/images/chaos-" + cpu + ".elf").toAbsolutePath().normalize();
        Path vm = dir.resolve("crash.conf");
        Files.writeString(vm, "vm { name = crasher, image = \"%s\", cpu = %s, bootargs = \"mode=crash\", expect = crashed, debug.gdb = on-crash, debug.gdb-port = 0 }\n"
                .formatted(elf, cpu));
        Process run = ForkedCli.start(dir, List.of(), "run", vm.toString(), "--progress", "off");
        ForkedCli.awaitText(dir.resolve("stderr.txt"), "held for gdb", Duration.ofSeconds(60));
        int port = stubPort(dir, "crasher");
        String out = gdb(dir, elf, port, "bt", "x/i $pc", "info registers pc", "detach");
        assertTrue(out.contains("#0  0x") && out.contains(" in main ()"), out);
        assertTrue(Pattern.compile("=> 0x[0-9a-f]+ <\\.?main\\+\\d+>:\\s+\\.long 0x0").matcher(out).find(), out);
        var ended = ForkedCli.await(run, dir, Duration.ofSeconds(120));
        assertEquals(0, ended.code(), ended.out() + ended.err());
        assertTrue(ended.out().contains("crashed"), ended.out());
    }

    /**
     * Malformed packets (missing fields, numbers that are not hex or do not fit, odd hex data, an
     * empty packet) each get {@code E22} (an empty packet the empty reply), as from QEMU's stub,
     * and the session goes on: gdb then attaches on the same port and the guest runs to its end.
     * One such packet used to end the stub's thread with the VM held and no port to continue it.
     */
    @org.junit.jupiter.api.Test
    void malformedPacketsAreRefusedAndTheSessionGoesOn() throws Exception {
        Path elf = Path.of("../../sample-vms/images/chaos-e500mc.elf").toAbsolutePath().normalize();
        Path vm = dir.resolve("held.conf");
        Files.writeString(vm, "vm { name = held, image = \"%s\", bootargs = \"mode=pass\", expect = passed, debug.gdb = hold, debug.gdb-port = 0 }\n"
                .formatted(elf));
        Process run = ForkedCli.start(dir, List.of(), "run", vm.toString(), "--progress", "off");
        int port = stubPort(dir, "held");
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            assertTrue(exchange(s, "?").startsWith("T05"));
            for (String bad : List.of("p", "pzz", "P1", "P1=zz", "m1", "mffffffff,ffffffffff", "M0,4:abc", "Z0", "z2,1,zz",
                    "Hgzz", "qXfer:features:read:target.xml:zz", "qThreadExtraInfo,", "T")) {
                assertEquals("E22", exchange(s, bad), bad);
            }
            assertEquals("", exchange(s, ""));
            // as qemu-system-ppc 7.2 -M ppce500 answers: M with less data than its length is E22 (it
            // wrote what it had), data past the length is ignored (it wrote all of it), and a read
            // that reaches past RAM is E14 whole (it returned the bytes before the end)
            assertEquals("OK", exchange(s, "M100,4:00000000"));
            assertEquals("E22", exchange(s, "M100,4:0102"));
            assertEquals("00000000", exchange(s, "m100,4"), "nothing written");
            assertEquals("OK", exchange(s, "M100,1:aabbccdd"));
            assertEquals("OK", exchange(s, "M101,2:eeff0"));
            assertEquals("aaeeff00", exchange(s, "m100,4"));
            assertEquals("E14", exchange(s, "mffffe,4"));
            assertEquals("0000", exchange(s, "mffffe,2"));
            // longer than the PacketSize offered (0x4000): dropped unanswered, as QEMU drops it, and
            // never kept whole (a client could send gigabytes before its '#'); the next packet is answered
            s.getOutputStream().write(("$m0," + "0".repeat(1 << 20) + "#00").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            assertTrue(exchange(s, "?").startsWith("T05"), "the answer is to ?, not to the dropped packet");
            assertTrue(exchange(s, "g").matches("[0-9a-f]+"), "the session goes on");
        }                                                // closed without detaching: the VM stays held
        String out = gdb(dir, elf, port, "info registers pc", "continue");
        assertTrue(out.contains("[Inferior 1 (Remote target) exited normally]"), out);
        var ended = ForkedCli.await(run, dir, Duration.ofSeconds(120));
        assertEquals(0, ended.code(), ended.out() + ended.err());
        assertTrue(!ended.err().contains("Exception"), ended.err());
    }

    /** Sends one packet and returns the payload of the reply (acks skipped). */
    private static String exchange(java.net.Socket s, String payload) throws Exception {
        int sum = 0;
        for (char c : payload.toCharArray()) sum += c;
        s.getOutputStream().write("$%s#%02x".formatted(payload, sum & 0xFF).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        var in = s.getInputStream();
        int c;
        while ((c = in.read()) != '$') assertTrue(c >= 0, "stub closed the connection after " + payload);
        StringBuilder b = new StringBuilder();
        while ((c = in.read()) != '#') b.append((char) c);
        in.read();
        in.read();
        s.getOutputStream().write('+');
        return b.toString();
    }

    /**
     * The Book E SPRs of the stub's own target-description feature, on both cores, with the
     * two-vCPU doorbell mode of {@code chaos}: at the held first instruction the values the board
     * gives at reset (PVR the model's, PIR the vCPU's number); SPRG0 written and read back; a DEC
     * write counts down through the timers to TSR[DIS], which a TSR write of all ones clears
     * (write-one-to-clear, as mtspr: stored as given it would read all ones); a PVR write is
     * refused; MAS5, MAS8, L2CSR1 and IVOR32, which the cores lack, are not registers, DBCR0 and
     * NPIDR are. Then a breakpoint on the doorbell vector's first instruction stops vCPU 1 before that
     * instruction runs: the IVPR and IVOR36 the guest set, SRR0/SRR1 as the interrupt saved them;
     * one step later the SPRG0 the handler's first instruction wrote.
     */
    @ParameterizedTest
    @ValueSource(strings = {"e500mc", "e5500"})
    void bookeSprsReadWriteAndTheGuestsOwn(String cpu) throws Exception {
        Path elf = SAMPLES.resolve("images/chaos-" + cpu + ".elf");
        Path vm = dir.resolve("doorbell.conf");
        Files.writeString(vm, "vm { name = bell, image = \"%s\", cpu = %s, vcpus = 2, bootargs = \"mode=doorbell\", expect = passed }\n"
                .formatted(elf, cpu));
        Process run = ForkedCli.start(dir, List.of(), "run", vm.toString(), "--gdb", "bell:0", "--progress", "off");
        int port = stubPort(dir, "bell");
        String out = gdb(dir, elf, port,
                "info registers srr0 esr ivpr pid pvr pir",
                "printf \"sizes=%d,%d,%d\\n\", sizeof($srr0), sizeof($sprg0), sizeof($esr)",
                "set $sprg0 = 0x1234",
                "maint flush register-cache",
                "printf \"sprg0=%x\\n\", $sprg0",
                "set $dec = 1",
                "stepi",
                "stepi",
                "printf \"tsr-after-dec=%x\\n\", $tsr",
                "set $tsr = 0xffffffff",
                "maint flush register-cache",
                "printf \"tsr-after-w1c=%x\\n\", $tsr",
                "python",
                "try:",
                "  gdb.execute('set $pvr = 1')",
                "except gdb.error as e:",
                "  print('refused: %s' % e)",
                "end",
                "printf \"pvr=%x\\n\", $pvr",
                "python",
                "for name in ['mas5', 'mas8', 'l2csr1', 'ivor32']:",
                "  try:",
                "    gdb.execute('info registers ' + name)",
                "  except gdb.error as e:",
                "    print('absent: %s' % e)",
                "end",
                "info registers dbcr0 npidr",
                "break *doorbell_vector",            // the vector's first instruction, seen before it runs
                "continue",
                "info registers pc ivpr ivor36 pir srr0 srr1 r3 sprg0",
                "stepi",                             // mtsprg 0,3
                "info registers pc sprg0",
                "delete",
                "continue");
        String pvr = cpu.equals("e5500") ? "0x80240020" : "0x80230020";
        assertFinds("^srr0\\s+0x0\\s+0x0\\nesr\\s+0x0\\s+0\\nivpr\\s+0x0\\s+0\\npid\\s+0x0\\s+0\\npvr\\s+" + pvr
                + "\\s+\\d+\\npir\\s+0x0\\s+0$", out);
        assertFinds("^sizes=" + (cpu.equals("e5500") ? "8,8,4" : "4,4,4") + "$", out);     // 64-bit where Book E says
        assertFinds("^sprg0=1234$", out);
        assertFinds("^tsr-after-dec=8000000$", out);
        assertFinds("^tsr-after-w1c=0$", out);
        assertFinds("^refused: Could not write register \"pvr\"; remote failure reply 'E03'$", out);
        assertFinds("^pvr=" + pvr.substring(2) + "$", out);
        for (String gone : List.of("mas5", "mas8", "l2csr1", "ivor32")) {      // not in the core's SPR table
            assertFinds("^absent: Invalid register `" + gone + "'$", out);
        }
        assertFinds("^dbcr0\\s+0x0\\s+0\\nnpidr\\s+0x0\\s+0$", out);
        long vector = localSymbol(elf, cpu, "doorbell_vector");
        assertFinds("^Thread 2 hit Breakpoint 1, 0x0*" + Long.toHexString(vector) + " in doorbell_vector \\(\\)$", out);
        assertFinds("^ivpr\\s+0x" + Long.toHexString(vector & ~0xffffL) + "\\s", out);
        assertFinds("^ivor36\\s+0x" + Long.toHexString(vector & 0xfff0L) + "\\s", out);
        assertFinds("^pir\\s+0x1\\s+1$", out);
        Matcher srr0 = Pattern.compile("(?m)^srr0\\s+0x([0-9a-f]+)\\s+0x[0-9a-f]+ <\\.?(\\w+)\\+\\d+>$").matcher(out);
        assertTrue(srr0.find(), "the interrupted instruction, in the guest's code:\n" + out);
        Matcher srr1 = Pattern.compile("(?m)^srr1\\s+0x([0-9a-f]+)\\s").matcher(out);
        assertTrue(srr1.find() && (Long.parseLong(srr1.group(1), 16) & 0x8000L) != 0, "SRR1 holds the MSR with EE set:\n" + out);
        Matcher r3 = Pattern.compile("(?m)^r3\\s+0x([0-9a-f]+)\\s").matcher(out);
        assertTrue(r3.find(), out);
        assertFinds("^pc\\s+0x0*" + Long.toHexString(vector) + "\\s.*\\nivpr\\s", out);           // held before it ran
        assertFinds("^pc\\s+0x0*" + Long.toHexString(vector + 4) + "\\s.*\\nsprg0\\s+0x" + r3.group(1) + "\\s", out);   // it ran
        assertTrue(out.contains("[Inferior 1 (Remote target) exited normally]"), out);
        var ended = ForkedCli.await(run, dir, Duration.ofSeconds(120));
        assertEquals(0, ended.code(), ended.out() + ended.err());
        assertTrue(ended.out().contains("vCPU 1 woke up for the doorbell"), ended.out());
    }

    /** The address of a (possibly file-local) symbol, from binutils' nm. */
    private static long localSymbol(Path elf, String cpu, String name) throws Exception {
        String nm = OutsideTool.binutil("nm", cpu.equals("e5500")).run(List.of(elf.toString())).output();
        Matcher m = Pattern.compile("(?m)^([0-9a-f]+) [Tt] " + name + "$").matcher(nm);
        assertTrue(m.find(), nm);
        return Long.parseLong(m.group(1), 16);
    }

    static final Path SAMPLES = Path.of("../../sample-vms").toAbsolutePath().normalize();

    /** The line of gdb-demo.c that holds {@code text} (1-based), so the test follows edits of the source. */
    static int line(String text) throws Exception {
        List<String> lines = Files.readAllLines(SAMPLES.resolve("guests/gdb-demo.c"));
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains(text)) return i + 1;
        throw new AssertionError("gdb-demo.c has no line with " + text);
    }

    static void assertFinds(String regex, String out) {
        assertTrue(Pattern.compile(regex, Pattern.MULTILINE).matcher(out).find(), "/" + regex + "/ in:\n" + out);
    }

    /** Instructions the VM ran, from the summary table of a run. */
    static long instructions(String summary, String vm) {
        Matcher m = Pattern.compile("(?m)^" + vm + "\\s+\\S+\\s+\\d+\\s+([0-9,]+)\\s").matcher(summary);
        assertTrue(m.find(), summary);
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    /**
     * Source-level debugging of the DWARF sample (gdb-demo, -g -O0) on both cores: break by name,
     * next and step by line, locals, globals and structs, a three-frame backtrace unwound by the
     * CFI, finish with the return value, a write watchpoint (old and new value), a read
     * watchpoint with no breakpoint set (the VM runs at full speed, compiled code too), a hardware
     * breakpoint, and the run to the end; the debugged run executes exactly as many instructions
     * as an undebugged one. With {@code compiled}, every block is compiled on its first run
     * (engine.compile-threshold = 1, synchronous), so the stops happen in the compiled tier.
     */
    @ParameterizedTest(name = "{0}, {1}")
    @org.junit.jupiter.params.provider.CsvSource({"e500mc, interpreted", "e5500, interpreted", "e500mc, compiled", "e5500, compiled"})
    void sourceLevelSessionWithWatchpoints(String cpu, String tier) throws Exception {
        Path elf = SAMPLES.resolve("images/gdb-demo-" + cpu + ".elf");
        Path vm = dir.resolve("demo.conf");
        boolean compiled = tier.equals("compiled");
        String config = "vm { name = demo, image = \"%s\", cpu = %s, expect = passed, limits.wall-timeout = %s%s }\n";
        String engine = compiled ? ", engine.compile-threshold = 1" : "";
        // both limits generous: a loaded host once took more than 5 s to run it in the synchronous
        // compiled tier, and the debugged run then ended SIGKILLed by its limit in mid-session (the
        // test's own timeout bounds a session that goes wrong)
        Files.writeString(vm, config.formatted(elf, cpu, "120s", engine));
        Path reference = Files.writeString(dir.resolve("reference.conf"), config.formatted(elf, cpu, "120s", engine));
        List<String> jvm = compiled ? List.of("-Depaprlab.compile-sync=true") : List.of();
        var plain = ForkedCli.run(Files.createDirectories(dir.resolve("plain")), Duration.ofSeconds(120), jvm,
                "run", reference.toString(), "--progress", "off");
        assertEquals(0, plain.code(), plain.out() + plain.err());
        Process run = ForkedCli.start(dir, jvm, "run", vm.toString(), "--gdb", "demo:0", "--progress", "off");
        int port = stubPort(dir, "demo");
        String out = gdb(dir, elf, port,
                "directory " + SAMPLES,
                "break add_sample",
                "continue",
                "next",
                "next",
                "info locals",
                "print *s",
                "print total",
                "step",
                "bt",
                "finish",
                "watch total",
                "continue",
                "continue",
                "delete 1 2",                         // no breakpoint left: the VM runs at full speed
                "rwatch calls",
                "continue",
                "bt",
                "hbreak checksum",
                "delete 3",
                "continue",
                "bt",
                "print samples[4]",
                "print total",
                "shell sleep 6",                      // longer than the wall-clock limit: held, it does not run
                "delete",
                "continue");
        int body = line("struct sample *s = &samples[id % SAMPLES];");
        assertFinds("^Breakpoint 1, (?:\\.)?add_sample \\(id=0, value=1\\) at guests/gdb-demo.c:" + body + "$", out);
        int call = line("s->value = scale(value, 3);");
        assertFinds("^" + call + "\\t    s->value = scale\\(value, 3\\);$", out);
        assertFinds("^s = 0x[0-9a-f]+ <samples>$", out);
        assertFinds("^\\$1 = \\{id = 0, value = 0\\}$", out);
        assertFinds("^\\$2 = 0$", out);
        assertFinds("^(?:\\.)?scale \\(value=1, factor=3\\) at guests/gdb-demo.c:" + line("int scaled = value * factor;") + "$", out);
        int mainCall = line("add_sample(i, values[i]);");
        assertFinds("^#0  (?:\\.)?scale \\(value=1, factor=3\\) at guests/gdb-demo.c:\\d+\\n#1  0x[0-9a-f]+ in (?:\\.)?add_sample \\(id=0, value=1\\) at guests/gdb-demo.c:"
                + call + "\\n#2  0x[0-9a-f]+ in (?:\\.)?main \\(fdt=0x[0-9a-f]+\\) at guests/gdb-demo.c:" + mainCall + "$", out);
        assertFinds("^Value returned is \\$3 = 4$", out);
        assertFinds("^Hardware watchpoint 2: total\\n\\nOld value = 0\\nNew value = 4$", out);
        assertFinds("^Breakpoint 1, (?:\\.)?add_sample \\(id=1, value=4\\)", out);
        assertFinds("^Hardware read watchpoint 3: calls\\n\\nValue = 1$", out);
        assertFinds("^#0  0x[0-9a-f]+ in (?:\\.)?scale \\(value=4, factor=3\\) at guests/gdb-demo.c:" + line("calls++;") + "$", out);
        assertFinds("^Hardware assisted breakpoint 4 at 0x[0-9a-f]+: file guests/gdb-demo.c, line " + line("unsigned sum = 0;") + "\\.$", out);
        assertFinds("^Breakpoint 4, (?:\\.)?checksum \\(table=0x[0-9a-f]+ <samples>, n=5\\)", out);
        assertFinds("^#1  0x[0-9a-f]+ in (?:\\.)?main \\(fdt=0x[0-9a-f]+\\) at guests/gdb-demo.c:" + line("checksum(samples, 5)") + "$", out);
        assertFinds("^\\$\\d+ = \\{id = 4, value = 61\\}\\n\\$\\d+ = 155$", out);
        assertTrue(out.contains("[Inferior 1 (Remote target) exited normally]"), out);
        var ended = ForkedCli.await(run, dir, Duration.ofSeconds(120));
        assertEquals(0, ended.code(), ended.out() + ended.err());
        assertEquals(instructions(plain.out(), "demo"), instructions(ended.out(), "demo"), "debugging does not change the guest's run");
    }

    /** A crash three calls down: attached after it, gdb unwinds every frame by the CFI. */
    @ParameterizedTest
    @ValueSource(strings = {"e500mc", "e5500"})
    void attachAfterACrashShowsEveryFrame(String cpu) throws Exception {
        Path elf = SAMPLES.resolve("images/gdb-demo-" + cpu + ".elf");
        Path vm = dir.resolve("crash.conf");
        Files.writeString(vm, "vm { name = crasher, image = \"%s\", cpu = %s, bootargs = \"mode=crash\", expect = crashed, debug.gdb = on-crash, debug.gdb-port = 0 }\n"
                .formatted(elf, cpu));
        Process run = ForkedCli.start(dir, List.of(), "run", vm.toString(), "--progress", "off");
        ForkedCli.awaitText(dir.resolve("stderr.txt"), "held for gdb", Duration.ofSeconds(60));
        int port = stubPort(dir, "crasher");
        String out = gdb(dir, elf, port, "directory " + SAMPLES, "bt", "x/i $pc", "frame 2", "print depth", "detach");
        assertFinds("^#0  0x[0-9a-f]+ in (?:\\.)?fail_deep \\(depth=11\\) at guests/gdb-demo.c:\\d+\\n"
                + "#1  0x[0-9a-f]+ in (?:\\.)?check \\(depth=10\\) at guests/gdb-demo.c:" + line("fail_deep(depth + 1);") + "\\n"
                + "#2  0x[0-9a-f]+ in (?:\\.)?parse \\(args=0x[0-9a-f]+ \"mode=crash\"\\) at guests/gdb-demo.c:" + line("check(depth);") + "\\n"
                + "#3  0x[0-9a-f]+ in (?:\\.)?main \\(fdt=0x[0-9a-f]+\\) at guests/gdb-demo.c:" + line("parse(args);") + "$", out);
        assertFinds("^=> 0x[0-9a-f]+ <\\.?fail_deep\\+\\d+>:\\s+\\.long 0x0$", out);
        assertFinds("^\\$1 = 10$", out);
        var ended = ForkedCli.await(run, dir, Duration.ofSeconds(120));
        assertEquals(0, ended.code(), ended.out() + ended.err());
        assertTrue(ended.out().contains("crashed"), ended.out());
    }

    /**
     * gdb on the ppce500 board with Debian's U-Boot (no symbols: {@code set endian big}): memory
     * at the held first instruction is the firmware's first bytes; Ctrl-C (SIGINT to gdb, which
     * sends 0x03) stops the running firmware in its relocated copy at the top of RAM, whose words,
     * read through the MMU's current translation, are the firmware's own; a breakpoint at that
     * address is hit again; kill then ends it (a 20 s wall-clock limit, ended by a detach, made a
     * loaded host time the firmware out before the Ctrl-C).
     */
    @org.junit.jupiter.api.Test
    void ubootOnPpce500MemoryCtrlCAndABreakpoint() throws Exception {
        Path bios = Path.of("/usr/lib/u-boot/qemu-ppce500/uboot.elf");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(bios), "u-boot-qemu is installed (bin/test installs it)");
        Path vm = dir.resolve("uboot.conf");
        Files.writeString(vm, """
                vm { name = uboot, board = ppce500, bios = "%s", cpu = e500mc, ram = 256M, expect = stopped, limits.wall-timeout = 120s }
                """.formatted(bios));
        // attached (its input a pipe the test holds open): the console comes byte by byte, so the prompt
        // "=> ", which ends no line, shows when U-Boot is in its prompt loop
        Process run = ForkedCli.start(dir, List.of(), "run", vm.toString(), "--gdb", "uboot:0", "--attach", "uboot",
                "--progress", "off");
        int port = stubPort(dir, "uboot");
        Path script = dir.resolve("uboot.cmds");
        Files.write(script, List.of("set pagination off", "set confirm off", "set architecture powerpc:common", "set endian big",
                "target remote 127.0.0.1:" + port, "info registers pc", "x/4wx $pc", "continue",
                "info registers pc msr", "x/4wx $pc", "break *$pc", "continue", "info registers pc", "delete", "kill"));
        Path gdbOut = dir.resolve("gdb.out");
        Process gdb = new ProcessBuilder(OutsideTool.GDB_MULTIARCH.path(), "-nx", "-batch", "-x", script.toString())
                .redirectErrorStream(true).redirectOutput(gdbOut.toFile()).start();
        try {
            ForkedCli.awaitText(dir.resolve("stdout.txt"), "Hit any key to stop autoboot", Duration.ofSeconds(120));
            ForkedCli.awaitText(dir.resolve("stdout.txt"), "=> ", Duration.ofSeconds(120));   // past the bootcmd, polling the UART
            assertTrue(new ProcessBuilder("kill", "-INT", Long.toString(gdb.pid())).start().waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(gdb.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "gdb ended");
        } finally {
            gdb.destroyForcibly();
        }
        String out = Files.readString(gdbOut);
        byte[] image = Files.readAllBytes(bios);
        assertFinds("^0xf00000:\\t" + words(image, 0x10000) + "$", out);     // the ELF's one LOAD segment: offset 0x10000 at 0xf00000
        assertTrue(out.contains("Program received signal SIGINT, Interrupt."), out);
        Matcher at = Pattern.compile("(?m)^pc\\s+0x([0-9a-f]+)").matcher(out);
        assertTrue(at.find() && at.find(), out);
        long pc = Long.parseLong(at.group(1), 16);
        assertTrue(pc >= 0x0f00_0000L && pc < 0x1000_0000L, "relocated to the top of the 256 MiB: " + out);
        Matcher read = Pattern.compile("(?m)^0x" + Long.toHexString(pc) + ":\\t((?:0x[0-9a-f]{8}\\s*){4})$").matcher(out);
        assertTrue(read.find(), out);
        String hex = read.group(1).replace("0x", "").replaceAll("\\s", "");
        assertTrue(HexFormat.of().formatHex(image).contains(hex), "the words at the PC are U-Boot's own code: " + hex);
        assertFinds("^Breakpoint 1, 0x0*" + Long.toHexString(pc) + " in \\?\\? \\(\\)$", out);
        var ended = ForkedCli.await(run, dir, Duration.ofSeconds(120));
        assertEquals(0, ended.code(), ended.out() + ended.err());
    }

    /**
     * gdb's {@code x} on the ppce500 devices, side by side with QEMU 7.2's stub ({@code
     * qemu-system-ppc -M ppce500 -nic none -gdb}), both at U-Boot's prompt (which maps CCSR at
     * 0xe0000000): the UART's registers by bytes, words and a halfword, the MPIC's, GUTS', I2C's
     * and GPIO's first words, the PCI host's ATMU registers, holes of CCSR and beyond it refused;
     * then a byte typed while the VM is held: LSR shows it ready, a read of RBR takes it from the
     * FIFO (LSR no longer ready, RBR 0 again), as a guest load would, so U-Boot never sees it;
     * a write to a device register is refused; gdb's kill ends both. Every read gives QEMU's bytes or QEMU's refusal.
     * The stub used to refuse every device address ("Cannot access memory").
     */
    @org.junit.jupiter.api.Test
    void deviceRegistersReadAsQemuReadsThem() throws Exception {
        Path bios = Path.of("/usr/lib/u-boot/qemu-ppce500/uboot.elf");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(bios), "u-boot-qemu is installed (bin/test installs it)");
        List<String> reads = List.of("x/8bx 0xe0004500", "x/2wx 0xe0004500", "x/1hx 0xe0004504", "x/4wx 0xe0040000",
                "x/4wx 0xe0041000", "x/2wx 0xe00e0000", "x/4wx 0xe0003000", "x/4wx 0xe00ff000", "x/4wx 0xe0008c00",
                "x/4wx 0xe0008f00", "x/4wx 0xe0000000", "x/4wx 0xe0020000", "x/4wx 0xe0100000", "x/8bx 0xe00044fc",
                "x/1bx 0xe0004505", "shell printf x > %s; sleep 1", "x/1bx 0xe0004505", "x/1bx 0xe0004500",
                "x/1bx 0xe0004505", "x/1bx 0xe0004500");
        // QEMU
        Path qemuIn = fifo(dir.resolve("qemu.in"));
        int qemuPort = freePort();
        Path qemuOut = dir.resolve("qemu.out");
        Process qemu = new ProcessBuilder("bash", "-c", "exec \"$0\" \"$@\" < " + qemuIn, OutsideTool.QEMU_SYSTEM_PPC.path(),
                "-M", "ppce500", "-cpu", "e500mc", "-m", "256", "-nographic", "-nic", "none", "-bios", bios.toString(),
                "-gdb", "tcp:127.0.0.1:" + qemuPort).redirectErrorStream(true).redirectOutput(qemuOut.toFile()).start();
        String fromQemu;
        try (var keepOpen = new java.io.FileOutputStream(qemuIn.toFile())) {
            ForkedCli.awaitText(qemuOut, "=> ", Duration.ofSeconds(60));
            fromQemu = deviceReads(qemuPort, reads, qemuIn, false);
        } finally {
            qemu.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        // epapr-lab, its console input from a fifo too (--attach passes input as it comes without a terminal)
        Path vm = dir.resolve("uboot.conf");
        Files.writeString(vm, """
                vm { name = uboot, board = ppce500, bios = "%s", cpu = e500mc, ram = 256M, expect = stopped,
                     limits.wall-timeout = 120s, debug.gdb = on-crash, debug.gdb-port = 0 }
                """.formatted(bios));
        Path ourIn = fifo(dir.resolve("ours.in"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"), "epaprlab.cli.Main",
                "run", vm.toString(), "--attach", "uboot", "--progress", "off"));
        List<String> bashCmd = new ArrayList<>(List.of("bash", "-c", "exec \"$0\" \"$@\" < " + ourIn));
        bashCmd.addAll(cmd);
        Process run = new ProcessBuilder(bashCmd).redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        String fromUs;
        try (var keepOpen = new java.io.FileOutputStream(ourIn.toFile())) {
            ForkedCli.awaitText(dir.resolve("stdout.txt"), "=> ", Duration.ofSeconds(120));
            fromUs = deviceReads(stubPort(dir, "uboot"), reads, ourIn, true);
        }
        var ended = ForkedCli.await(run, dir, Duration.ofSeconds(120));
        assertEquals(0, ended.code(), ended.out() + ended.err());
        assertEquals(fromQemu.replace("process 1", "Remote target"), fromUs);
        assertFinds("^0xe0004500:\\t0x00\\t0x00\\t0xc1\\t0x03\\t0x03\\t0x60\\t0xb0\\t0x00$", fromUs);   // RBR IER IIR LCR MCR LSR MSR SCR
        assertFinds("^0xe0004505:\\t0x61\\n0xe0004500:\\t0x78\\n0xe0004505:\\t0x60\\n0xe0004500:\\t0x00$", fromUs);
        assertFinds("^0xe0100000:\\tx/4wx 0xe0100000 -> Cannot access memory at address 0xe0100000$", fromUs);
    }

    /**
     * Raw packets naming threads that are no vCPU, side by side with QEMU 7.2's stub (both with
     * two vCPUs, held at the first instruction): {@code Hg}/{@code Hc} of thread 3, 0x63 or -5,
     * {@code T} of such a thread and a negative {@code m} length are E22 in both. Our stub took
     * {@code Hc63}, and the {@code s} after it stepped no vCPU: the VM ran on and the step never
     * stopped. Now the step after a refused {@code Hc} steps the thread taken before it.
     */
    @org.junit.jupiter.api.Test
    void packetsNamingNoVcpuAreRefusedAsQemuRefusesThem() throws Exception {
        Path bios = Path.of("/usr/lib/u-boot/qemu-ppce500/uboot.elf");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(bios), "u-boot-qemu is installed (bin/test installs it)");
        List<String> packets = List.of("Hg0", "Hg1", "Hg2", "Hg3", "Hg63", "Hg-5", "Hc2", "Hc3", "Hc63", "T1", "T2", "T3",
                "T0", "T-1", "m0,-1");
        int qemuPort = freePort();
        Process qemu = new ProcessBuilder(OutsideTool.QEMU_SYSTEM_PPC.path(), "-M", "ppce500", "-cpu", "e500mc", "-m", "256",
                "-smp", "2", "-display", "none", "-serial", "null", "-monitor", "none", "-nic", "none", "-bios", bios.toString(),
                "-S", "-gdb", "tcp:127.0.0.1:" + qemuPort).redirectErrorStream(true).redirectOutput(dir.resolve("qemu.out").toFile())
                .start();
        List<String> fromQemu;
        try {
            fromQemu = Rsp.connect(qemuPort, Duration.ofSeconds(30)).answers(packets);
        } finally {
            qemu.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        Path vm = dir.resolve("two.conf");
        Files.writeString(vm, """
                vm { name = two, board = ppce500, bios = "%s", cpu = e500mc, ram = 256M, vcpus = 2, expect = stopped,
                     limits.wall-timeout = 120s }
                """.formatted(bios));
        Process run = ForkedCli.start(dir, List.of(), "run", vm.toString(), "--gdb", "two:0", "--progress", "off");
        try (Rsp ours = Rsp.connect(stubPort(dir, "two"), Duration.ofSeconds(30))) {
            assertEquals(fromQemu, ours.answers(packets), "answers to " + packets);
            // the secondary waits for its spin-table release (a step of it waits as under QEMU): step vCPU 0
            assertEquals(List.of("OK", "E22", "T05thread:1;"), ours.answers(List.of("Hc1", "Hc63", "s")));
            ours.send("k");
        }
        var ended = ForkedCli.await(run, dir, Duration.ofSeconds(120));
        assertEquals(0, ended.code(), ended.out() + ended.err());
    }

    /** A bare remote-protocol client: one packet out, its answer back (within 30 s), acknowledged. */
    private record Rsp(java.net.Socket socket, java.io.InputStream in) implements AutoCloseable {
        static Rsp connect(int port, Duration limit) throws Exception {
            long deadline = System.nanoTime() + limit.toNanos();
            while (true) {
                try {
                    java.net.Socket s = new java.net.Socket("127.0.0.1", port);
                    s.setSoTimeout(30_000);
                    return new Rsp(s, new java.io.BufferedInputStream(s.getInputStream()));
                } catch (java.net.ConnectException notYet) {           // QEMU opens its port a moment after it starts
                    if (System.nanoTime() > deadline) throw notYet;
                    Thread.sleep(50);
                }
            }
        }

        void send(String payload) throws Exception {
            int sum = 0;
            for (char c : payload.toCharArray()) sum += c;
            socket.getOutputStream().write(("$" + payload + "#" + String.format("%02x", sum & 0xFF))
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        }

        List<String> answers(List<String> packets) throws Exception {
            List<String> answers = new ArrayList<>();
            for (String p : packets) {
                send(p);
                try {
                    answers.add(answer(p));
                } catch (java.net.SocketTimeoutException e) {
                    throw new AssertionError("no answer to " + p + " after " + answers, e);
                }
            }
            return answers;
        }

        private String answer(String p) throws Exception {
            {
                int c;
                while ((c = in.read()) != '$') if (c < 0) throw new AssertionError("closed after " + p);
                StringBuilder b = new StringBuilder();
                while ((c = in.read()) != '#') {
                    if (c < 0) throw new AssertionError("closed after " + p);
                    b.append((char) c);
                }
                in.read();
                in.read();
                socket.getOutputStream().write('+');
                return b.toString();
            }
        }

        @Override
        public void close() throws java.io.IOException { socket.close(); }
    }

    /** gdb's output of {@code reads} at the prompt of the firmware behind {@code port} (errors as text), then a refused write. */
    private String deviceReads(int port, List<String> reads, Path input, boolean ours) throws Exception {
        List<String> script = new ArrayList<>(List.of("set pagination off", "set confirm off", "set architecture powerpc:common",
                "set endian big", "target remote 127.0.0.1:" + port, "python", "print('BEGIN')"));
        for (String r : reads) {
            script.add("try:");
            script.add("  gdb.execute(%s)".formatted(pyString(r.formatted(input))));
            script.add("except gdb.error as e:");
            script.add("  print(" + pyString(r) + " + ' -> ' + str(e))");
        }
        script.add("print('END')");
        if (ours) {                          // refused (QEMU's stub drops such a write and answers OK)
            script.add("try:");
            script.add("  gdb.execute('set *(unsigned char*)0xe0004507 = 0x5a')");
            script.add("except gdb.error as e:");
            script.add("  print('write: %s' % e)");
        }
        script.add("end");
        script.add("kill");
        Path file = dir.resolve("devices-" + port + ".cmds");
        Files.write(file, script);
        String out = OutsideTool.GDB_MULTIARCH.run("-nx", "-batch", "-x", file.toString()).timeout(Duration.ofSeconds(120)).output();
        assertTrue(out.contains("BEGIN\n") && out.contains("END\n"), out);
        if (ours) assertFinds("^write: Cannot access memory at address 0xe0004507$", out);
        return out.substring(out.indexOf("BEGIN\n"), out.indexOf("END\n"));
    }

    private static String pyString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static Path fifo(Path path) throws Exception {
        OutsideTool.BASH.run("-c", "mkfifo \"$0\"", path.toString()).timeout(Duration.ofSeconds(10)).output();
        return path;
    }

    /** Four big-endian words of {@code image} at {@code offset} as gdb's x/4wx prints them. */
    private static String words(byte[] image, int offset) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            if (i > 0) b.append("\t");
            b.append("0x").append(HexFormat.of().formatHex(image, offset + 4 * i, offset + 4 * i + 4));
        }
        return b.toString();
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
