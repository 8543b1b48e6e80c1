package epaprlab.orchestrator.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import epaprlab.orchestrator.testing.TestGuests;
import epaprlab.orchestrator.testing.VmRun;
import epaprlab.orchestrator.vm.ImageCache;
import epaprlab.orchestrator.vm.Outcome;
import epaprlab.orchestrator.vm.VmEvent;
import epaprlab.orchestrator.vm.VmSupervisor;
import epaprlab.testsupport.OutsideTool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every ending the guest did not choose carries a crash report whose PC, symbol, instruction and
 * backtrace agree with binutils (nm for the symbols, objdump for the instruction before each
 * return address, which must be a call); the endings the guest chose carry none.
 */
@Timeout(300)
class CrashReportTest {
    static final ActorTestKit kit = ActorTestKit.create();
    static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir Path dir;

    @AfterAll
    static void stopKit() { kit.shutdownTestKit(); }

    record Case(String name, String cpu, String keys, Outcome outcome, boolean report) {
        @Override public String toString() { return name; }
    }

    @TestFactory
    Stream<DynamicTest> everyEnding() {
        List<Case> cases = new ArrayList<>();
        for (String cpu : List.of("e500mc", "e5500")) {
            cases.addAll(List.of(
                    new Case("crash-" + cpu, cpu, "bootargs = \"mode=crash\"", Outcome.CRASHED, true),
                    new Case("limit-" + cpu, cpu, "bootargs = \"mode=hang\"\n  limits.max-instructions = 300000",
                            Outcome.INSTRUCTION_LIMIT, true),
                    new Case("timeout-" + cpu, cpu, "bootargs = \"mode=hang\"\n  limits.wall-timeout = 1s", Outcome.TIMED_OUT, true),
                    new Case("silent-" + cpu, cpu, "bootargs = \"mode=idle\"\n  limits.console-silence = 300ms",
                            Outcome.CONSOLE_SILENT, true),
                    new Case("watchdog-" + cpu, cpu, "bootargs = \"mode=watchdog\"", Outcome.WATCHDOG, true),
                    new Case("pass-" + cpu, cpu, "bootargs = \"mode=pass\"", Outcome.PASSED, false)));
        }
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private void check(Case c) throws Exception {
        Path image = TestGuests.SAMPLE_IMAGES.resolve("chaos-" + c.cpu() + ".elf");
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        kit.spawn(VmSupervisor.create(TestGuests.vm(dir, c.name(), image, "cpu = " + c.cpu() + "\n  " + c.keys()),
                events.getRef(), new ImageCache()));
        VmRun run = VmRun.collect(events, WAIT);
        assertEquals(c.outcome(), run.result().outcome(), run.result().detail());
        assertEquals(c.report(), run.result().crash().isPresent(), run.result().detail());
        if (!c.report()) return;
        CrashReport report = run.result().crash().orElseThrow();
        assertEquals(1, report.vcpus().size());
        VcpuSnapshot v = report.vcpus().getFirst();
        boolean is64 = c.cpu().equals("e5500");
        assertEquals(is64, v.is64());
        assertEquals(run.result().instructions(), v.instructions(), "one vCPU: its count is the VM's");
        assertEquals(expectedSymbol(image, is64, v.pc()), v.where());
        assertEquals(objdumpWord(image, is64, v.pc()), v.insn().getAsInt());
        if (c.outcome() == Outcome.CRASHED) {
            assertEquals(".long 0x0", v.disassembly());
            assertTrue(v.where().startsWith("main+"), v.where());
            assertTrue(run.result().detail().contains(" " + v.where() + " "), run.result().detail());
        }
        // every saved return address follows a bl: the back-chain was read right
        List<VcpuSnapshot.Frame> frames = v.backtrace();
        assertEquals("pc", frames.getFirst().how());
        assertTrue(frames.size() >= 2, report.render());
        for (VcpuSnapshot.Frame f : frames.subList(1, frames.size())) {
            int call = objdumpWord(image, is64, f.address() - 4);
            assertEquals(0x48000001, call & 0xFC000003, "the word before " + f + " is a bl:\n" + report.render());
            assertEquals(expectedSymbol(image, is64, f.address()), f.where());
        }
        assertTrue(frames.getLast().where().startsWith("_start+"), report.render());
        String text = report.render();
        assertTrue(text.contains("r31 ") && text.contains("backtrace:") && text.contains(v.where()), text);
    }

    @org.junit.jupiter.api.Test
    void branchTraceEndsWithTheCallThatReachedTheCrash() throws Exception {
        Path image = TestGuests.SAMPLE_IMAGES.resolve("chaos-e500mc.elf");
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        kit.spawn(VmSupervisor.create(TestGuests.vm(dir, "traced", image, "bootargs = \"mode=crash\"\n  debug.trace-branches = 4"),
                events.getRef(), new ImageCache()));
        VcpuSnapshot v = VmRun.collect(events, WAIT).result().crash().orElseThrow().vcpus().getFirst();
        assertEquals(4, v.branches().size());
        for (int i = 0; i < 4; i++) {
            VcpuSnapshot.Branch b = v.branches().get(i);
            assertEquals(expectedSymbol(image, false, b.to()), b.toWhere());
            assertEquals(expectedSymbol(image, false, b.from()), b.fromWhere());
            if (i > 0) assertTrue(Long.compareUnsigned(v.branches().get(i - 1).to(), b.from()) <= 0, "straight line between branches");
        }
        // printf returned into main, which then ran straight into the illegal word
        VcpuSnapshot.Branch last = v.branches().getLast();
        assertTrue(last.fromWhere().startsWith("printf+") && last.toWhere().startsWith("main+"), last.toString());
        assertTrue(Long.compareUnsigned(last.to(), v.pc()) <= 0);
    }

    /** ppce500 (Book E MMU on): the PC and the back-chain are read through the guest's TLB. */
    @org.junit.jupiter.api.Test
    void ppce500FirmwareIsReadThroughItsTranslation() throws Exception {
        Path conf = dir.resolve("u.conf");
        java.nio.file.Files.writeString(conf, """
                vm {
                  name = u
                  board = ppce500
                  bios = "/usr/lib/u-boot/qemu-ppce500/uboot.elf"
                  ram = 256M
                  limits.max-instructions = 3000000
                }
                """);
        TestProbe<VmEvent> events = kit.createTestProbe(VmEvent.class);
        kit.spawn(VmSupervisor.create(epaprlab.orchestrator.config.LabConfigLoader.withDefaults().load(conf).vms().getFirst(),
                events.getRef(), new ImageCache()));
        VmRun run = VmRun.collect(events, WAIT);
        assertEquals(Outcome.INSTRUCTION_LIMIT, run.result().outcome(), run.result().detail());
        VcpuSnapshot v = run.result().crash().orElseThrow().vcpus().getFirst();
        assertEquals(3_000_000, v.instructions());
        assertTrue(v.insn().isPresent(), "the PC maps through the TLB to RAM:\n" + run.result().crash().get().render());
        assertTrue(v.backtrace().size() >= 2, "U-Boot runs in C with a back-chained stack:\n" + run.result().crash().get().render());
        assertEquals("?", v.where(), "the Debian U-Boot ELF is stripped");
    }

    /** {@code name+0xN} from nm's listing: the closest code symbol at or below the address. */
    static String expectedSymbol(Path image, boolean is64, long address) {
        String out = OutsideTool.binutil("nm", is64).run(is64 ? List.of("--synthetic", "-n", image.toString())
                : List.of("-n", image.toString())).output();
        String best = null;
        long bestAt = -1;
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 3 || !(f[1].equals("T") || f[1].equals("t"))) continue;
            long at = Long.parseUnsignedLong(f[0], 16);
            if (at > address || at < bestAt || f[2].equals("__image_start")) continue;
            bestAt = at;
            best = f[2].startsWith(".") ? f[2].substring(1) : f[2];
        }
        return address == bestAt ? best : best + "+0x" + Long.toHexString(address - bestAt);
    }

    /** The instruction word objdump shows at {@code address}. */
    static int objdumpWord(Path image, boolean is64, long address) {
        String out = OutsideTool.binutil("objdump", is64).run("-d", "--start-address=0x" + Long.toHexString(address),
                "--stop-address=0x" + Long.toHexString(address + 4), image.toString()).output();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("[:\\t]\\s*");
            if (f.length >= 2 && f[0].matches("[0-9a-f]+") && Long.parseLong(f[0], 16) == address) {
                return (int) Long.parseLong(f[1].replace(" ", ""), 16);
            }
        }
        throw new AssertionError("objdump shows no word at 0x" + Long.toHexString(address) + ":\n" + out);
    }
}
