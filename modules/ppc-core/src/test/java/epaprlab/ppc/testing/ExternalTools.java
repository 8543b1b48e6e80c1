package epaprlab.ppc.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Outside tools the tests check the engine against (GNU binutils, GCC, QEMU). A missing tool
 * fails the test naming the Debian package to install; it never skips.
 */
public final class ExternalTools {
    private ExternalTools() {}

    public static final String BINUTILS_32 = "binutils-powerpc-linux-gnu";
    public static final String BINUTILS_64 = "binutils-powerpc64-linux-gnu";

    /** The absolute path of {@code name} on PATH, or a test failure naming {@code pkg}. */
    public static String find(String name, String pkg) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p.toString();
        }
        return fail(name + " not found on PATH: install the Debian package " + pkg
                + " (apt-get install " + pkg + ")");
    }

    /** Runs {@code cmd} and returns its output (stderr folded in); a failure or time-out fails the test. */
    public static String run(List<String> cmd, Duration timeout) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                fail("timed out: " + cmd);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted: " + cmd);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) fail(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + text);
        return text;
    }
}
