package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.testsupport.OutsideTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code epapr-lab run --attach} in a real pseudo-terminal (python3's pty module plays the user,
 * attach-pty.py): what is typed reaches the echo guest and its answer shows, a control sequence
 * the guest sends back is shown escaped (raw with --raw-console), Ctrl-] detaches while the lab
 * runs on to its summary, and the terminal's modes are back as they were after a detach, at the
 * end of the lab and after a SIGTERM.
 */
@Timeout(300)
class AttachEndToEndTest {
    private static final int ECHO = 0x8, ICANON = 0x2, ISIG = 0x1;

    @TempDir Path dir;

    record Session(int exit, String output, long lflagBefore, long lflagAttached, long lflagAfter, String raw) {}

    private Session run(String scenario, String... extra) throws Exception {
        Path samples = Path.of("../../sample-vms/images").toAbsolutePath().normalize();
        Path lab = dir.resolve("lab.conf");
        Files.writeString(lab, """
                lab {
                  vms = [
                    { name = echo, image = "%s", expect = timed-out, limits.wall-timeout = 5s }
                    { name = other, image = "%s", cpu = e5500, bootargs = "mode=spam", expect = passed }
                  ]
                }
                """.formatted(samples.resolve("echo-e500mc.elf"), samples.resolve("chaos-e5500.elf")));
        return run(scenario, lab, "echo", extra);
    }

    private Session run(String scenario, Path lab, String vm, String... extra) throws Exception {
        Path driver = dir.resolve("attach-pty.py");
        try (var in = getClass().getResourceAsStream("attach-pty.py")) {
            Files.write(driver, in.readAllBytes());
        }
        List<String> cmd = new ArrayList<>(List.of(OutsideTool.PYTHON3.path(), driver.toString(), scenario, "90",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), "epaprlab.cli.Main", "run", lab.toString(), "--attach", vm,
                "--console", "none"));
        cmd.addAll(List.of(extra));
        String report = OutsideTool.PYTHON3.run(cmd.subList(1, cmd.size())).timeout(Duration.ofSeconds(150)).output();
        Matcher exit = Pattern.compile("(?m)^exit: (-?\\d+)$").matcher(report);
        assertTrue(exit.find(), report);
        String output = report.substring(report.indexOf("output:\n") + "output:\n".length());
        return new Session(Integer.parseInt(exit.group(1)), output, lflag(report, "before"), lflag(report, "attached"),
                lflag(report, "after"), report);
    }

    private static long lflag(String report, String when) {
        Matcher m = Pattern.compile("(?m)^terminal-" + when + ": iflag=[0-9a-f]+ lflag=([0-9a-f]+)$").matcher(report);
        assertTrue(m.find(), report);
        return Long.parseLong(m.group(1), 16);
    }

    @Test
    void typingReachesTheGuestCtrlBracketDetachesAndTheLabRunsOn() throws Exception {
        Session s = run("detach");
        assertEquals(0, s.exit(), s.raw());
        assertTrue(s.output().contains("attached to the console of vm echo; Ctrl-] detaches"), s.raw());
        assertTrue(s.output().contains("echo> you said: hello \\\\x1b[31mred"), "the guest's ESC shown escaped: " + s.raw());
        assertTrue(s.output().contains("detached from vm echo; the lab runs on"), s.raw());
        assertTrue(Pattern.compile("echo\\s+timed-out\\s+1\\s").matcher(s.output()).find(), "the summary at the end: " + s.raw());
        assertTrue(Pattern.compile("other\\s+passed\\s").matcher(s.output()).find(), s.raw());
        assertEquals(0, s.lflagAttached() & (ECHO | ICANON | ISIG), "raw while attached: " + s.raw());
        assertNotEquals(s.lflagBefore(), s.lflagAttached());
        assertEquals(s.lflagBefore(), s.lflagAfter(), "the terminal restored");
        assertTrue(s.raw().contains("terminal-detached: iflag=") && s.raw().contains("lflag=" + Long.toHexString(s.lflagBefore()) + "\n"), s.raw());
    }

    @Test
    void rawConsoleShowsTheGuestsControlSequences() throws Exception {
        Session s = run("detach", "--raw-console");
        assertEquals(0, s.exit(), s.raw());
        assertTrue(s.output().contains("echo> you said: hello \\x1b[31mred"), "the guest's ESC as it is: " + s.raw());
        assertEquals(s.lflagBefore(), s.lflagAfter());
    }

    /** Debian's U-Boot on the ppce500 board: typed commands reach its UART, Ctrl-C interrupts its command line. */
    @Test
    void ubootOnPpce500TakesCommandsAndCtrlC() throws Exception {
        Path bios = Path.of("/usr/lib/u-boot/qemu-ppce500/uboot.elf");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(bios), "u-boot-qemu is installed (bin/test installs it)");
        Path lab = dir.resolve("uboot.conf");
        Files.writeString(lab, "vm { name = uboot, board = ppce500, bios = \"%s\", cpu = e500mc, ram = 256M, expect = timed-out, limits.wall-timeout = 20s }\n"
                .formatted(bios));
        Session s = run("uboot", lab, "uboot");
        assertEquals(0, s.exit(), s.raw());
        // U-Boot ends its lines with CR LF; the terminal's output processing (left on) adds a CR of its own
        assertTrue(Pattern.compile("=> version(\\\\r)+\\\\nU-Boot 2023\\.01").matcher(s.output()).find(), "U-Boot echoed and answered: " + s.raw());
        assertTrue(s.output().contains("=> <INTERRUPT>"), s.raw());
        assertTrue(Pattern.compile("uboot\\s+timed-out\\s+1\\s").matcher(s.output()).find(), s.raw());
        assertEquals(s.lflagBefore(), s.lflagAfter());
    }

    @Test
    void aSignalWhileAttachedRestoresTheTerminalAndStillSummarises() throws Exception {
        Session s = run("signal");
        assertEquals(17, s.exit(), s.raw());
        assertEquals(0, s.lflagAttached() & (ECHO | ICANON | ISIG), s.raw());
        assertEquals(s.lflagBefore(), s.lflagAfter(), "the terminal restored after SIGTERM: " + s.raw());
        assertTrue(Pattern.compile("echo\\s+stopped\\s").matcher(s.output()).find(), s.raw());
    }
}
