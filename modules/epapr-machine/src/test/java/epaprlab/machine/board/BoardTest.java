package epaprlab.machine.board;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import epaprlab.machine.api.ExitReason;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.boot.BootLayout;
import epaprlab.machine.boot.ElfImage;
import epaprlab.machine.boot.LoadSegment;
import epaprlab.machine.boot.ResetReason;
import epaprlab.machine.fdt.Fdt;
import epaprlab.machine.fdt.FdtReader;
import epaprlab.machine.fdt.MemoryReservation;
import epaprlab.machine.hcall.EnabledHypercalls;
import epaprlab.machine.hcall.HostHypercalls;
import epaprlab.machine.hcall.HostHypercalls.Action;
import epaprlab.ppc.cpu.CpuModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The sample guests on a bare board: ePAPR entry state, the exit loop, reset from the pristine image. */
class BoardTest {
    private static final Path IMAGES = Path.of("../../sample-vms/images");
    private static final int RAM = 1 << 20;

    private static Board board(String program, CpuModel cpu, EnabledHypercalls hcalls) throws Exception {
        Path image = IMAGES.resolve(program + "-" + cpu.configName() + ".elf");
        BoardSpec spec = new BoardSpec(program + "-test", 7, cpu, RAM, 1, hcalls, true, "", 400_000_000L,
                400_000_000L, 4096, epaprlab.ppc.cpu.TimeSource.INSTRUCTIONS,
                epaprlab.ppc.cpu.Cpu.DEFAULT_COMPILE_THRESHOLD);
        return Board.assemble(spec, ElfImage.parse(image, Files.readAllBytes(image)));
    }

    /** What the guest did until the host must decide: the action and the console text. */
    record Until(Action action, boolean idle, String console) {}

    /** Runs the boot vCPU the way a vCPU actor does, until a lifecycle call, idling, or a crash. */
    private static Until runUntilHost(Board board) {
        Vcpu vcpu = board.vcpus().getFirst();
        HostHypercalls host = board.newHostHypercalls();
        StringBuilder console = new StringBuilder();
        byte[] buf = new byte[64];
        for (int turn = 0; turn < 10_000; turn++) {
            ExitReason reason = vcpu.run(100_000);
            switch (reason) {
                case INTR -> {
                    if (vcpu.exit().idle()) return new Until(Action.RESUME, true, console.toString());
                }
                case EPAPR_HCALL -> {
                    Action action = host.handle(vcpu.exit().hcall());
                    int n;
                    while ((n = board.console().hostDrain(buf, 0, buf.length)) > 0) {
                        console.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                    if (action == Action.RESET_VM || action == Action.SHUTDOWN_VM) {
                        return new Until(action, false, console.toString());
                    }
                }
                case INTERNAL_ERROR -> fail("guest crashed: " + vcpu.exit().internalError().description()
                        + " at PC 0x" + Long.toHexString(vcpu.exit().internalError().pc()) + "; console so far: " + console);
                case DEBUG -> fail("unexpected debug exit");
            }
        }
        return fail("the guest neither shut down nor reset in 1e9 instructions; console: " + console);
    }

    @ParameterizedTest
    @EnumSource(CpuModel.class)
    void powerOnSetsTheEpaprEntryStateAndPlacesTheTreeAfterTheImage(CpuModel cpu) throws Exception {
        Board board = board("hello", cpu, EnabledHypercalls.ALL);
        BootLayout layout = board.powerOn(1, ResetReason.POWER_ON);
        Vcpu vcpu = board.vcpus().getFirst();
        assertEquals(layout.dtbAddress(), vcpu.gpr(3), "r3 = device tree");
        assertEquals(0, vcpu.gpr(4));
        assertEquals(0, vcpu.gpr(5));
        assertEquals(0x45504150L, vcpu.gpr(6), "r6 = ePAPR magic for Book III-E");
        assertEquals(RAM, vcpu.gpr(7), "r7 = IMA size");
        assertEquals(0, vcpu.gpr(8));
        assertEquals(0, vcpu.gpr(9));
        assertEquals(0, vcpu.msr(), "MSR: supervisor, 32-bit, interrupts off");
        assertEquals(board.image().entryPhysical(), vcpu.pc());
        assertEquals(0, layout.dtbAddress() % 8);
        assertTrue(layout.dtbAddress() >= board.image().highestPhysicalEnd());

        byte[] blob = new byte[layout.dtbSize()];
        board.vm().memory().read(layout.dtbAddress(), blob, 0, blob.length);
        Fdt fdt = FdtReader.read(blob);
        assertTrue(fdt.reservations().contains(new MemoryReservation(layout.dtbAddress(), layout.dtbSize())));
        assertEquals(1, fdt.root().require("/chosen").requireProperty("epapr-lab,boot-count").asU32());
        assertEquals("power-on", fdt.root().require("/chosen").requireProperty("epapr-lab,reset-reason").asString());
        assertEquals("hello-test", fdt.root().require("/hypervisor").requireProperty("guest-name").asString());
    }

    @ParameterizedTest
    @EnumSource(CpuModel.class)
    void helloPrintsItsNameModeAndFlagsThenShutsDown(CpuModel cpu) throws Exception {
        Board board = board("hello", cpu, EnabledHypercalls.ALL);
        board.powerOn(1, ResetReason.POWER_ON);
        Until until = runUntilHost(board);
        String bits = cpu == CpuModel.E5500 ? "64" : "32";
        assertEquals("hello from hello-test (" + bits + "-bit, has-reset=yes, has-shutdown=yes)\n", until.console());
        assertEquals(Action.SHUTDOWN_VM, until.action());
    }

    @Test
    void helloSeesDisabledHypercallsAndIsRefused() throws Exception {
        Board board = board("hello", CpuModel.E500MC, new EnabledHypercalls(false, false, false));
        board.powerOn(1, ResetReason.POWER_ON);
        Until until = runUntilHost(board);
        assertTrue(until.idle(), "a refused shutdown leaves the guest idling");
        assertEquals("hello from hello-test (32-bit, has-reset=no, has-shutdown=no)\nshutdown refused: status 12\n",
                until.console());
    }

    @ParameterizedTest
    @EnumSource(CpuModel.class)
    void resetRebuildsRamFromThePristineImageWithTheNextBootCount(CpuModel cpu) throws Exception {
        Board board = board("reset-loop", cpu, EnabledHypercalls.ALL);
        board.powerOn(1, ResetReason.POWER_ON);
        Until first = runUntilHost(board);
        assertEquals("boot 1 reason power-on\n", first.console());
        assertEquals(Action.RESET_VM, first.action());

        byte[] garbage = new byte[RAM];
        java.util.Arrays.fill(garbage, (byte) 0x5A);
        board.vm().memory().write(0, garbage, 0, RAM);   // whatever the last boot left behind
        board.powerOn(2, ResetReason.GUEST_RESET);
        for (LoadSegment s : board.image().segments()) {
            byte[] now = new byte[(int) s.memsz()];
            board.vm().memory().read(s.paddr(), now, 0, now.length);
            byte[] pristine = java.util.Arrays.copyOf(s.data(), (int) s.memsz());  // bss is zero
            assertArrayEquals(pristine, now, "segment " + s.index() + " is pristine again");
        }
        assertEquals("boot 2 reason guest-reset\n", runUntilHost(board).console());
        board.powerOn(3, ResetReason.GUEST_RESET);
        Until third = runUntilHost(board);
        assertEquals("boot 3 reason guest-reset\n", third.console());
        assertEquals(Action.SHUTDOWN_VM, third.action());
    }
}
