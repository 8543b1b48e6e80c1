package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.testsupport.OutsideTool;
import epaprlab.testsupport.ToolRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/epapr-lab} and {@code bin/lib/common.sh}: visible installs, a way to refuse them, exit 5 for their own failures. */
@Timeout(60)
class LauncherTest {
    @TempDir Path dir;

    private static final Path BIN = Path.of("../../bin").toAbsolutePath().normalize();

    record Ran(int code, String err) {}

    /** Runs a bash script (the launcher is one) with {@code env}; stdout to a file, stderr returned. */
    private Ran bash(Map<String, String> env, String... args) {
        ToolRun.Result r = OutsideTool.BASH.run(args).env(env).stdout(dir.resolve("out")).timeout(Duration.ofSeconds(30)).result();
        return new Ran(r.exitCode(), r.output());
    }

    @Test
    void aRefusedInstallFailsWithExitFiveAndTheCommandToRun() throws Exception {
        Ran r = bash(Map.of("EPAPR_LAB_NO_INSTALL", "1"), "-c",
                ". '" + BIN.resolve("lib/common.sh") + "'; ensure_packages 'the tests need it' no-such-tool-xyz:epapr-lab-test-package");
        assertEquals(ExitCode.LAUNCHER_FAILED.code(), r.code(), r.err());
        assertEquals("epapr-lab: missing Debian packages: epapr-lab-test-package (the tests need it); EPAPR_LAB_NO_INSTALL=1 "
                + "forbids installing them: run `apt-get install -y epapr-lab-test-package` as root, then try again\n", r.err());
    }

    @Test
    void presentToolsInstallNothingAndSayNothing() throws Exception {
        Ran r = bash(Map.of(), "-c", ". '" + BIN.resolve("lib/common.sh") + "'; ensure_packages 'why' bash:bash");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
    }

    @Test
    void noJdkIsTheLaunchersFailureNotABadCommandLine() throws Exception {
        Path noJvms = Files.createDirectory(dir.resolve("jvms"));
        Ran r = bash(Map.of("JAVA_HOME", "", "EPAPR_LAB_JVM_DIR", noJvms.toString()), BIN.resolve("epapr-lab").toString(), "--help");
        assertEquals(ExitCode.LAUNCHER_FAILED.code(), r.code(), r.err());
        assertTrue(r.err().startsWith("epapr-lab: no JDK 25 found"), r.err());
    }

    @Test
    void theLauncherCodeIsTheOneExitCodeNames() throws Exception {
        assertTrue(Files.readString(BIN.resolve("lib/common.sh"))
                .contains("EPAPR_LAB_LAUNCHER_FAILED=" + ExitCode.LAUNCHER_FAILED.code() + "\n"));
    }
}
