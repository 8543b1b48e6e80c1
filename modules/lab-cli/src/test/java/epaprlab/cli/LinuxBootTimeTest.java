package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * sample-vms/linux-boot-time.sh prints the time to Linux's /init under epapr-lab and under QEMU
 * side by side: both columns must be measured times (the marker line came) for e500mc with one
 * vCPU, and below the table epapr-lab's CPU seconds at that line, the vCPU thread's part of them.
 * epapr-lab runs from this build (EPAPR_LAB), QEMU is Debian's qemu-system-ppc.
 */
class LinuxBootTimeTest {
    @TempDir Path dir;

    @Test
    @Timeout(value = 900, unit = TimeUnit.SECONDS)
    void printsBothTimesToInit() throws Exception {
        Path cli = dir.resolve("epapr-lab");
        Files.writeString(cli, "#!/bin/sh\nexec '%s' --sun-misc-unsafe-memory-access=allow -cp '%s' epaprlab.cli.Main \"$@\"\n"
                .formatted(Path.of(System.getProperty("java.home"), "bin", "java"), System.getProperty("java.class.path")));
        Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwx------"));
        ProcessBuilder pb = new ProcessBuilder(List.of("../../sample-vms/linux-boot-time.sh", "e500mc-1"))
                .redirectErrorStream(true);
        pb.environment().put("EPAPR_LAB", cli.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        Matcher m = Pattern.compile("(?m)^e500mc-1 +(\\d+\\.\\d{3}) +(\\d+\\.\\d{3})$").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Double.parseDouble(m.group(1)) > 0 && Double.parseDouble(m.group(2)) > 0, out);
        Matcher cpu = Pattern.compile("(?m)^# e500mc-1 cpu-s=(\\d+\\.\\d{2}) vcpu-s=(\\d+\\.\\d{2}) jit-s=\\d+\\.\\d{2} ").matcher(out);
        assertTrue(cpu.find(), out);
        double all = Double.parseDouble(cpu.group(1)), vcpu = Double.parseDouble(cpu.group(2));
        assertTrue(vcpu > 0 && vcpu < all, out);
    }
}
