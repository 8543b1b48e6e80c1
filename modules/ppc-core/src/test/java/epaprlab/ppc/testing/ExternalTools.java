package epaprlab.ppc.testing;

import static org.junit.jupiter.api.Assertions.fail;

import epaprlab.testsupport.OutsideTool;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Outside tools the tests check the engine against (GNU binutils, GCC, QEMU), run through
 * test-support's one runner: a missing tool fails the test naming its Debian package (never
 * skips), every run has a time limit.
 */
public final class ExternalTools {
    private ExternalTools() {}

    public static final String BINUTILS_32 = "binutils-powerpc-linux-gnu";
    public static final String BINUTILS_64 = "binutils-powerpc64-linux-gnu";

    /** The absolute path of {@code name} on PATH, or a test failure naming its package. */
    public static String find(String name, String pkg) {
        for (OutsideTool t : OutsideTool.values()) if (t.command().equals(name)) return t.path();
        return fail(name + " not found on PATH: install the Debian package " + pkg + " (apt-get install " + pkg + ")");
    }

    /** Runs {@code cmd} and returns its output (stderr folded in); a failure or time-out fails the test. */
    public static String run(List<String> cmd, Duration timeout) throws IOException {
        return OutsideTool.byCommand(cmd.getFirst()).run(cmd.subList(1, cmd.size())).timeout(timeout).output();
    }
}
