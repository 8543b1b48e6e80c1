package epaprlab.machine.board;

import static org.junit.jupiter.api.Assertions.*;

import epaprlab.machine.board.EpaprRun.Stop;
import epaprlab.machine.boot.ResetReason;
import epaprlab.machine.hcall.HostHypercalls;
import epaprlab.machine.snapshot.MachineSnapshot;
import epaprlab.machine.snapshot.SnapshotFile;
import epaprlab.ppc.cpu.CpuModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Machine snapshots on both boards: a restored machine carries on exactly as the machine it was
 * taken of (instructions, console, result), the snapshot hypercall returns twice like fork, and a
 * snapshot of other hardware is refused.
 */
@Timeout(600)
class MachineSnapshotTest {
    @TempDir Path dir;

    /** The whole run of the snapshot guest, its snapshot call answered as by a lab that takes none. */
    record Reference(long instructions, String console, long result) {}

    private static Reference reference(CpuModel cpu) throws Exception {
        EpaprRun run = new EpaprRun(EpaprRun.board("snapshot", cpu));
        run.board.powerOn(1, ResetReason.POWER_ON);
        assertEquals(Stop.RESULT, run.runToEnd());
        assertTrue(run.console.toString().contains("snapshot unavailable: status 12"), run.console::toString);
        return new Reference(run.vcpu().instructionsRetired(), run.console.toString(), run.result);
    }

    @ParameterizedTest @EnumSource(CpuModel.class)
    void midRunSnapshotRestoredIntoAFreshMachineThroughAFileEqualsAnUninterruptedRun(CpuModel cpu) throws Exception {
        Reference whole = reference(cpu);
        assertEquals(0, whole.result(), whole.console());
        assertTrue(whole.instructions() > 500_000, "long enough to stop in the middle: " + whole.instructions());

        EpaprRun first = new EpaprRun(EpaprRun.board("snapshot", cpu));
        first.board.powerOn(1, ResetReason.POWER_ON);
        assertEquals(Stop.BUDGET, first.run(whole.instructions() / 2));
        long at = first.vcpu().instructionsRetired();
        String before = first.console.toString();
        MachineSnapshot snap = first.board.snapshot();
        Path file = dir.resolve("mid-run.snap");
        SnapshotFile.write(file, snap);

        EpaprRun second = new EpaprRun(EpaprRun.board("snapshot", cpu));   // never powered on
        second.board.restore(SnapshotFile.read(file));
        assertEquals(at, second.vcpu().instructionsRetired(), "the retired count is part of the vCPU's state");
        assertEquals(Stop.RESULT, second.runToEnd());
        assertEquals(whole.instructions(), second.vcpu().instructionsRetired());
        assertEquals(whole.console(), before + second.console);
        assertEquals(whole.result(), second.result);

        // the machine the snapshot was taken of is not disturbed by it
        assertEquals(Stop.RESULT, first.runToEnd());
        assertEquals(whole.instructions(), first.vcpu().instructionsRetired());
        assertEquals(whole.console(), first.console.toString());
    }

    @ParameterizedTest @EnumSource(CpuModel.class)
    void theSnapshotCallReturnsZeroInTheVmThatTookItAndOneInEveryVmStartedFromIt(CpuModel cpu) throws Exception {
        EpaprRun original = new EpaprRun(EpaprRun.board("snapshot", cpu));
        original.board.powerOn(1, ResetReason.POWER_ON);
        assertEquals(Stop.SNAPSHOT_CALL, original.run(EpaprRun.LIMIT));
        HostHypercalls.snapshotTaken(original.vcpu().exit().hcall());
        MachineSnapshot snap = original.board.snapshot();
        String setup = original.console.toString();
        assertTrue(setup.startsWith("setup done: checksum "), setup);

        assertEquals(Stop.RESULT, original.runToEnd());
        assertEquals(0, original.result, original.console::toString);
        assertEquals(setup + "snapshot taken: this VM goes on\nstarts since the snapshot: 1\ntable intact: yes\n",
                original.console.toString());

        EpaprRun clone = new EpaprRun(EpaprRun.board("snapshot", cpu));
        clone.board.restore(snap);
        assertEquals(0, clone.vcpu().gpr(3), "r3 = 0: the snapshot was taken");
        assertEquals(1, clone.vcpu().gpr(4), "r4 = 1: this VM was started from it");
        assertEquals(Stop.RESULT, clone.runToEnd());
        assertEquals(0, clone.result, clone.console::toString);
        String restored = "snapshot restored: started from it\nstarts since the snapshot: 1\ntable intact: yes\n";
        assertEquals(restored, clone.console.toString());

        // reset to the snapshot: the machine that ran on goes back to the moment of the call
        int mark = original.console.length();
        original.board.restore(snap);
        assertEquals(Stop.RESULT, original.runToEnd());
        assertEquals(restored, original.console.substring(mark));
        assertEquals(clone.vcpu().instructionsRetired(), original.vcpu().instructionsRetired());
    }

    /**
     * Two vCPUs round-robin on the test thread as the lab's actors run them (a secondary asks
     * {@link Machine#releaseIfRequested} until it may run): until the result, or {@code turns}.
     */
    private static final class SmpRun {
        final EpaprRun boot;
        final boolean[] running = new boolean[2];
        int turns;

        SmpRun(Board board) { boot = new EpaprRun(board); }

        Stop run(int untilTurn) {
            for (; turns < untilTurn; turns++) {
                Stop s = boot.run(boot.vcpu().instructionsRetired() + 20_000);
                if (s == Stop.RESULT || s == Stop.SHUTDOWN) return s;
                if (!running[1]) running[1] = boot.board.releaseIfRequested(1);
                if (running[1]) {
                    var v = boot.board.vcpus().get(1);
                    var r = v.run(20_000);
                    if (r != epaprlab.machine.api.ExitReason.INTR) fail("secondary stopped with " + r);
                }
            }
            return Stop.BUDGET;
        }
    }

    @Test
    void anSmpGuestRestoredWithItsSecondaryReleasedRunsOnAsTheOriginal() throws Exception {
        SmpRun original = new SmpRun(EpaprRun.board("smp-counter", CpuModel.E500MC, 1 << 20, 2));
        original.boot.board.powerOn(1, ResetReason.POWER_ON);
        assertEquals(Stop.BUDGET, original.run(200));
        assertTrue(original.running[1], "the secondary was released before the snapshot");
        MachineSnapshot snap = original.boot.board.snapshot();
        int turn = original.turns;
        SmpRun clone = new SmpRun(EpaprRun.board("smp-counter", CpuModel.E500MC, 1 << 20, 2));
        clone.boot.board.restore(snap);
        clone.turns = turn;                                  // the lab starts every secondary as spinning
        long secondaryPc = clone.boot.board.vcpus().get(1).pc();
        assertTrue(clone.boot.board.releaseIfRequested(1), "a secondary released in the snapshot runs at once");
        assertEquals(secondaryPc, clone.boot.board.vcpus().get(1).pc(), "and keeps its saved state");
        clone.running[1] = true;
        assertEquals(Stop.RESULT, original.run(Integer.MAX_VALUE));
        assertEquals(Stop.RESULT, clone.run(Integer.MAX_VALUE));
        assertEquals(0, clone.boot.result, clone.boot.console::toString);
        assertEquals("counter=2000000 expected=2000000\n", clone.boot.console.toString());
        assertEquals(original.boot.console.toString(), clone.boot.console.toString());
        for (int i = 0; i < 2; i++) {
            assertEquals(original.boot.board.vcpus().get(i).instructionsRetired(),
                    clone.boot.board.vcpus().get(i).instructionsRetired(), "vCPU " + i);
        }
    }

    @Test
    void boardsOfOneParsedImageShareItsPagesAndAPowerOnWritesOnlyTheDeviceTree() throws Exception {
        Board a = EpaprRun.board("snapshot", CpuModel.E500MC);
        Board b = Board.assemble(a.spec(), a.image());      // the same parsed image, as the lab's ImageCache hands out
        long ram = a.spec().ramBytes();
        int blobPages = (a.deviceTreeBlob(1, ResetReason.POWER_ON).length + 4095) / 4096 + 1;   // it may straddle a page
        for (Board board : new Board[] {a, b}) {
            board.powerOn(1, ResetReason.POWER_ON);
            long own = board.vm().memory().privateBytes();
            assertTrue(own > 0 && own <= blobPages * 4096L, "bytes this VM owns after power-on: " + own);
        }
        var shared = PristineRam.of(a.image(), ram, ram, mem -> fail("the pristine RAM was built a second time"));
        assertTrue(shared.storedBytes() >= 4096, "the image's pages: " + shared.storedBytes());
    }

    @Test
    void aSnapshotOfOtherHardwareIsRefusedWithTheReason() throws Exception {
        EpaprRun run = new EpaprRun(EpaprRun.board("hello", CpuModel.E500MC));
        run.board.powerOn(1, ResetReason.POWER_ON);
        MachineSnapshot snap = run.board.snapshot();
        record Case(Machine target, String message) {}
        Ppce500Run ppce500 = new Ppce500Run(CpuModel.E500MC, 64 << 20, 1, Optional.of(UbootBootTest.UBOOT),
                Optional.empty(), Optional.empty(), "", false);
        for (Case c : new Case[] {
                new Case(ppce500.board, "a snapshot of a epapr machine cannot be restored into a ppce500 machine"),
                new Case(EpaprRun.board("hello", CpuModel.E5500), "a snapshot of an e500mc machine cannot be restored into an e5500 one"),
                new Case(EpaprRun.board("hello", CpuModel.E500MC, 2 << 20, 1), "the snapshot has 1024 KiB of RAM, this machine 2048 KiB"),
                new Case(EpaprRun.board("hello", CpuModel.E500MC, 1 << 20, 2), "the snapshot has 1 vCPUs, this machine 2")}) {
            var e = assertThrows(IllegalArgumentException.class, () -> c.target().restore(snap));
            assertEquals(c.message(), e.getMessage());
        }
    }

    /**
     * Linux on the ppce500 board, snapshot taken when its /init starts and kept in a file: the restored machine prints
     * the rest of the boot (self-check, boot count, reboot request) byte for byte as the original,
     * in the same number of instructions, and asks for the same GUTS reset.
     */
    @Test
    @Timeout(1200)
    void linuxRestoredAtInitFinishesItsBootAsTheOriginal() throws Exception {
        Path linux = Path.of("../../sample-vms/linux");
        Optional<Path> kernel = Optional.of(linux.resolve("vmlinux-e500mc.gz")), initrd = Optional.of(linux.resolve("initramfs-ppc32.cpio.gz"));
        Ppce500Run original = new Ppce500Run(CpuModel.E500MC, 256L << 20, 1, Optional.empty(), kernel, initrd, "console=ttyS0");
        assertTrue(original.runUntil(c -> c.contains("epapr-lab-init: start"), 20_000_000_000L), original::where);
        Path file = dir.resolve("linux.snap");
        SnapshotFile.write(file, original.board.snapshot());
        Ppce500Run restored = new Ppce500Run(CpuModel.E500MC, 256L << 20, 1, Optional.empty(), kernel, initrd, "console=ttyS0", false);
        restored.board.restore(SnapshotFile.read(file));
        String[] rest = new String[2];
        long[] retired = new long[2];
        Ppce500Run[] runs = {original, restored};
        for (int i = 0; i < 2; i++) {
            Ppce500Run r = runs[i];
            int before = r.console().length();
            r.runUntil(c -> false, 5_000_000_000L);
            assertEquals(epaprlab.machine.api.ExitReason.SYSTEM_EVENT, r.last, r::where);
            assertEquals(epaprlab.machine.api.VcpuExit.SystemEvent.Type.RESET, r.board.vcpus().getFirst().exit().systemEvent().type());
            rest[i] = r.console().substring(before);
            retired[i] = r.board.vcpus().getFirst().instructionsRetired();
        }
        assertTrue(rest[0].contains("epapr-lab-init: self-check PASS") && rest[0].contains("epapr-lab-init: reboot"), rest[0]);
        assertEquals(rest[0], rest[1]);
        assertEquals(retired[0], retired[1]);
    }

    /**
     * U-Boot on the ppce500 board: a snapshot at the {@code =>} prompt, restored into a fresh
     * machine, answers {@code version} exactly as the machine it was taken of.
     */
    @Test
    void ubootRestoredAtItsPromptAnswersAsTheOriginal() throws Exception {
        Ppce500Run original = new Ppce500Run(CpuModel.E500MC, 256L << 20, 1, Optional.of(UbootBootTest.UBOOT),
                Optional.empty(), Optional.empty(), "");
        assertTrue(original.runUntil(c -> c.endsWith("=> "), 1_500_000_000L), original::where);
        MachineSnapshot snap = original.board.snapshot();
        Path file = dir.resolve("uboot.snap");
        SnapshotFile.write(file, snap);

        Ppce500Run restored = new Ppce500Run(CpuModel.E500MC, 256L << 20, 1, Optional.of(UbootBootTest.UBOOT),
                Optional.empty(), Optional.empty(), "", false);
        restored.board.restore(SnapshotFile.read(file));
        String[] replies = new String[2];
        long[] retired = new long[2];
        Ppce500Run[] runs = {original, restored};
        for (int i = 0; i < 2; i++) {
            Ppce500Run r = runs[i];
            int before = r.console().length();
            r.board.vm().consoleInput("version\r".getBytes(StandardCharsets.US_ASCII));
            assertTrue(r.runUntil(c -> c.length() > before + 8 && c.endsWith("=> "), 200_000_000L), r::where);
            replies[i] = r.console().substring(before);
            retired[i] = r.board.vcpus().getFirst().instructionsRetired();
        }
        assertTrue(replies[0].contains("U-Boot 2023.01"), replies[0]);
        assertEquals(replies[0], replies[1]);
        assertEquals(retired[0], retired[1]);
    }
}
