package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --attach}: what is typed before the VM has booted (type-ahead, or input piped in)
 * reaches the guest once it runs. It was handed to the board before its power-on, whose console
 * reset dropped it: the echo guest waited at its prompt until its wall-clock limit.
 */
@Timeout(120)
class AttachTypeAheadTest {
    @TempDir Path dir;

    @Test
    void inputTypedBeforeTheBootReachesTheGuest() throws Exception {
        Path echo = Path.of("../../sample-vms/images/echo-e500mc.elf").toAbsolutePath().normalize();
        Path vm = Files.writeString(dir.resolve("echo.conf"), "vm { name = echo, image = \"%s\", result.pass-pattern = \"bye$\", "
                .formatted(echo) + "limits.wall-timeout = 30s }\n");
        Process run = ForkedCli.start(dir, List.of(), "run", vm.toString(), "--attach", "echo", "--progress", "off");
        run.getOutputStream().write("hello\u0001\nquit\n".getBytes(StandardCharsets.ISO_8859_1));   // before the JVM even booted the VM
        run.getOutputStream().flush();
        var ended = ForkedCli.await(run, dir, Duration.ofSeconds(90));
        assertEquals(0, ended.code(), ended.out() + ended.err());
        assertTrue(ended.out().contains("you said: hello\\x01"), "the typed line, its control byte shown escaped: " + ended.out());
        assertTrue(ended.out().contains("bye"), ended.out());
    }
}
