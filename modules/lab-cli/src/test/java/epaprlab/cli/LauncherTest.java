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

    /**
     * A build that leaves the jar as it was (Maven does when only a test or another module's
     * source changed) is not repeated by every later run: the launcher built again on each call,
     * a minute each time, until a change reached lab-cli's own classes.
     */
    @Test
    void aBuildThatLeavesTheJarUnchangedIsNotRepeated() throws Exception {
        Path top = dir.resolve("top");
        Files.createDirectories(top.resolve("bin/lib"));
        Files.copy(BIN.resolve("epapr-lab"), top.resolve("bin/epapr-lab"));
        Files.copy(BIN.resolve("lib/common.sh"), top.resolve("bin/lib/common.sh"));
        Files.createDirectories(top.resolve("modules/lab-cli/target/lib"));
        Path jar = Files.writeString(top.resolve("modules/lab-cli/target/lab-cli.jar"), "old");
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        Files.createDirectories(top.resolve("modules/x/src/test/java"));
        Files.writeString(top.resolve("modules/x/src/test/java/T.java"), "class T {}");      // newer than the jar
        Files.createDirectories(top.resolve("conf"));
        Files.writeString(top.resolve("pom.xml"), "<project/>");
        Files.setLastModifiedTime(top.resolve("pom.xml"), java.nio.file.attribute.FileTime.fromMillis(0));
        Path fakeBin = Files.createDirectories(dir.resolve("fake-bin"));
        Path mvn = Files.writeString(fakeBin.resolve("mvn"), "#!/bin/sh\necho built >> '" + dir.resolve("builds") + "'\n");
        assertTrue(mvn.toFile().setExecutable(true));
        Map<String, String> env = Map.of("PATH", fakeBin + ":" + System.getenv("PATH"), "EPAPR_LAB_AOT", "off",
                "JAVA_HOME", System.getProperty("java.home"));
        bash(env, top.resolve("bin/epapr-lab").toString(), "--version");
        Ran second = bash(env, top.resolve("bin/epapr-lab").toString(), "--version");
        assertEquals("built\n", Files.readString(dir.resolve("builds")), "one build, not one per run: " + second.err());
        assertTrue(!second.err().contains("building"), second.err());
    }

    @Test
    void theLauncherCodeIsTheOneExitCodeNames() throws Exception {
        assertTrue(Files.readString(BIN.resolve("lib/common.sh"))
                .contains("EPAPR_LAB_LAUNCHER_FAILED=" + ExitCode.LAUNCHER_FAILED.code() + "\n"));
    }
}
