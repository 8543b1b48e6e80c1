package epaprlab.orchestrator.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.machine.api.Vm;
import epaprlab.machine.board.Board;
import epaprlab.machine.board.BoardSpec;
import epaprlab.machine.boot.ElfImage;
import epaprlab.machine.hcall.EnabledHypercalls;
import epaprlab.ppc.cpu.Cpu;
import epaprlab.ppc.cpu.CpuModel;
import epaprlab.ppc.cpu.TimeSource;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Typing into an attached VM whose guest does not read: held back at the limit, nothing dropped. */
class ConsoleAttachmentTest {
    @Test
    @Timeout(20)
    void typingWaitsWhileTheGuestHasTheLimitUnreadAndLosesNothing() throws Exception {
        Path image = Path.of("../../sample-vms/images/hello-e500mc.elf");
        BoardSpec spec = new BoardSpec("attach-test", 1, CpuModel.E500MC, 1 << 20, 1, EnabledHypercalls.ALL, true, "",
                400_000_000L, 400_000_000L, 4096, TimeSource.INSTRUCTIONS, Cpu.DEFAULT_COMPILE_THRESHOLD);
        Board board = Board.assemble(spec, ElfImage.parse(image, Files.readAllBytes(image)));    // never run: nothing reads
        ConsoleAttachment attached = new ConsoleAttachment("attach-test", (b, off, len) -> { });
        attached.connect(board);
        attached.running();
        int limit = Vm.MAX_PENDING_CONSOLE_INPUT;
        attached.type(new byte[limit - 100]);
        Thread typist = Thread.ofPlatform().start(() -> attached.type(new byte[200]));
        typist.join(300);
        assertTrue(typist.isAlive(), "200 more bytes would pass the limit: the typist waits");
        assertEquals(limit - 100, board.vm().pendingConsoleInput());
        byte[] sink = new byte[16];
        int read = 0;
        while (read < 150) read += board.console().guestReceive(sink, 0, 16);          // the guest reads a little
        assertTrue(typist.join(java.time.Duration.ofSeconds(10)), "room again: the typed bytes go in");
        assertEquals(limit - 100 - read + 200, board.vm().pendingConsoleInput(), "nothing dropped");
        assertEquals(board.vm().pendingConsoleInput(), attached.pending());
    }
}
