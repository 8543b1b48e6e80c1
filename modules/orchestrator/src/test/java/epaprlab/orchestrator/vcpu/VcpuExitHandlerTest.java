package epaprlab.orchestrator.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.machine.api.ExitReason;
import epaprlab.machine.api.Vcpu;
import epaprlab.machine.board.Board;
import epaprlab.machine.hcall.HcallAbi;
import epaprlab.orchestrator.testing.TestGuests;
import epaprlab.orchestrator.vcpu.ExitAction.EndTurn;
import epaprlab.orchestrator.vcpu.ExitAction.Idle;
import epaprlab.orchestrator.vcpu.ExitAction.KeepRunning;
import epaprlab.orchestrator.vcpu.ExitAction.Report;
import epaprlab.orchestrator.vcpu.ExitAction.Stop;
import epaprlab.orchestrator.vcpu.VcpuReport.EngineFailed;
import epaprlab.orchestrator.vcpu.VcpuReport.GuestCrashed;
import epaprlab.orchestrator.vcpu.VcpuReport.ResetRequested;
import epaprlab.orchestrator.vcpu.VcpuReport.ResultReported;
import epaprlab.orchestrator.vcpu.VcpuReport.ShutdownRequested;
import epaprlab.orchestrator.vcpu.VcpuReport.WatchdogExpired;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exit mapping on its own, on this thread, with no actor: each case runs a tiny guest (built
 * with the cross GCC) for one {@code run()} and checks the {@link ExitAction}; exits no guest can
 * provoke (watchdog, debug) are written into the exit record by hand.
 */
@Timeout(60)
class VcpuExitHandlerTest {
    @TempDir static Path dir;

    /** One guest, its budget, the action expected after the first run, and the console it leaves. */
    record Case(String name, String asm, long budget, ExitAction expected, String console) {}

    static Stream<Case> cases() {
        return Stream.of(
                new Case("console", """
                        li 3,0
                        li 4,3
                        lis 5,0x6869
                        ori 5,5,0x0a00
                        li 11,0
                        oris 11,11,0x0001
                        ori 11,11,0x0001
                        sc 1
                        """, 100, KeepRunning.INSTANCE, "hi\n"),
                new Case("result", "li 3,5\nli 11,1\nsc 1", 100, new Report(new ResultReported(0, 5)), ""),
                new Case("reset", "lis 11,0x002A\nori 11,11,0x0020\nsc 1", 100, new Stop(new ResetRequested(0)), ""),
                new Case("shutdown", "lis 11,0x002A\nori 11,11,0x0021\nsc 1", 100, new Stop(new ShutdownRequested(0)), ""),
                new Case("crash", "li 3,1\n.long 0", 100, new Stop(new GuestCrashed(0, 0x10004, 0,
                        "program interrupt (illegal instruction) but IVOR6 was never set")), ""),
                new Case("budget", "0: addi 3,3,1\nb 0b", 100, EndTurn.INSTANCE, ""),
                new Case("idle", "lis 11,0x0001\nori 11,11,0x0010\nsc 1\nb .", 100, new Idle(-1), ""));
    }

    @TestFactory
    Stream<DynamicTest> eachExitMapsToItsAction() {
        return cases().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Board board = TestGuests.poweredOn(dir, c.name(), ".globl _start\n_start:\n" + c.asm() + "\n");
            Vcpu vcpu = board.vcpus().getFirst();
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            VcpuExitHandler exits = new VcpuExitHandler(board.newHostHypercalls(), board.console(), console::write);
            vcpu.run(c.budget());
            assertEquals(c.expected(), exits.handle(vcpu));
            assertEquals(c.console(), console.toString(StandardCharsets.ISO_8859_1));
        }));
    }

    @Test
    void anUnknownHypercallIsAnsweredUnimplementedInPlace() throws Exception {
        Board board = TestGuests.poweredOn(dir, "unknown", ".globl _start\n_start:\nli 11,0x777\nsc 1\nb .\n");
        Vcpu vcpu = board.vcpus().getFirst();
        HypercallCounts counts = new HypercallCounts();
        VcpuExitHandler exits = new VcpuExitHandler(board.newHostHypercalls(), board.console(), (b, o, n) -> { }, counts);
        vcpu.run(100);
        assertEquals(KeepRunning.INSTANCE, exits.handle(vcpu));
        assertEquals(HcallAbi.EV_UNIMPLEMENTED, vcpu.exit().hcall().ret());
        assertEquals(1, counts.get(HypercallCounts.NAMES.indexOf("other")), "an unknown token is counted as other");
    }

    @Test
    void exitsNoGuestCanProvokeAreMappedFromTheRecord() throws Exception {
        Board board = TestGuests.poweredOn(dir, "record", ".globl _start\n_start:\nb .\n");
        Vcpu vcpu = board.vcpus().getFirst();
        VcpuExitHandler exits = new VcpuExitHandler(board.newHostHypercalls(), board.console(), (b, o, n) -> { });

        vcpu.exit().begin(ExitReason.WATCHDOG, false);
        vcpu.exit().setTimeBase(1234);
        assertEquals(new Stop(new WatchdogExpired(0, 1234)), exits.handle(vcpu));

        vcpu.exit().begin(ExitReason.INTR, true, 99);
        assertEquals(new Idle(99), exits.handle(vcpu));

        IllegalStateException bug = new IllegalStateException("a handler bug");
        vcpu.exit().internalError().setEmulationFailure(0x10010, 0x7cc32214, bug);
        vcpu.exit().begin(ExitReason.INTERNAL_ERROR, false);
        assertEquals(new Stop(new EngineFailed(0, 0x10010, 0x7cc32214, bug)), exits.handle(vcpu),
                "KVM_INTERNAL_ERROR_EMULATION is the engine's failure, never a guest crash");

        vcpu.exit().debug().set(0x2a0d4, 4, 0x12980);
        vcpu.exit().begin(ExitReason.DEBUG, false);
        assertEquals(new ExitAction.WatchpointHit(0x2a0d4, 4, 0x12980), exits.handle(vcpu));
    }
}
