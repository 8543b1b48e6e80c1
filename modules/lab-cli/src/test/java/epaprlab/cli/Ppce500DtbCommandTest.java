package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code epapr-lab dtb} on a ppce500 VM: QEMU's tree plus ours, as the guest gets it. */
@Timeout(120)
class Ppce500DtbCommandTest {
    @TempDir Path dir;

    @Test void theUbootSampleGetsThePpce500Tree() throws Exception {
        var r = QuickstartEndToEndTest.cli("dtb", "../../sample-vms/uboot.conf", "--boot", "3", "--reason", "guest-reset");
        assertEquals(0, r.code(), r.err());
        assertEquals(1 << 20, r.rawOut().length, "a 1 MiB blob, as QEMU hands over");
        Path f = Files.write(dir.resolve("u.dtb"), r.rawOut());
        Process p = new ProcessBuilder("dtc", "-q", "-I", "dtb", "-O", "dts", f.toString()).redirectErrorStream(true).start();
        String dts = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), dts);
        for (String expected : List.of(
                "compatible = \"fsl,qemu-e500\";",
                "serial@4500 {",
                "stdout-path = \"/soc@fe0000000/serial@4500\";",
                "reg = <0x00 0x00 0x00 0x10000000>;",
                "epapr-lab,boot-count = <0x03>;",
                "epapr-lab,reset-reason = \"guest-reset\";",
                "kvm,has-reset;",
                "phandle = <0x800c>;")) {                 // the MPIC's at boot 3, as QEMU numbers it
            assertTrue(dts.contains(expected), "missing: " + expected + "\n" + dts);
        }
    }

    /**
     * The longest bootargs QEMU can be given (one argument of at most 131,072 bytes with its NUL,
     * Linux's MAX_ARG_STRLEN) land in /chosen/bootargs of both trees byte for byte; one byte more
     * cannot reach QEMU (exec fails: E2BIG) and the config refuses it with exit 2, naming file,
     * line, key and limit. On the ePAPR board 2 MB of bootargs in 1 MiB of RAM were a crash at boot.
     */
    @Test void theLongestBootargsQemuTakesAreItsAndOneByteMoreIsRefused() throws Exception {
        Path kernel = Path.of("../../sample-vms/images/hello-e500mc.elf").toAbsolutePath().normalize();
        String most = "x".repeat(128 * 1024 - 1);
        Path qemuDtb = dir.resolve("qemu.dtb");
        Process q = new ProcessBuilder("qemu-system-ppc", "-M", "ppce500,dumpdtb=" + qemuDtb, "-cpu", "e500mc", "-m", "256",
                "-nographic", "-kernel", kernel.toString(), "-append", most).redirectErrorStream(true).start();
        String qemuOut = new String(q.getInputStream().readAllBytes());
        assertTrue(q.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, q.exitValue(), qemuOut);
        Path conf = Files.writeString(dir.resolve("long.conf"), "vm {\n  name = long\n  board = ppce500\n  ram = 256M\n  kernel = \""
                + kernel + "\"\n  bootargs = \"" + most + "\"\n}\n");
        var r = QuickstartEndToEndTest.cli("dtb", conf.toString());
        assertEquals(0, r.code(), r.err());
        Path ours = Files.write(dir.resolve("ours.dtb"), r.rawOut());
        assertEquals(fdtget(qemuDtb), fdtget(ours));
        assertEquals(most.length() + 1, fdtget(ours).length(), "fdtget prints the value and a newline");

        String over = most + "x";
        assertThrows(java.io.IOException.class, () -> new ProcessBuilder("qemu-system-ppc", "-M", "ppce500", "-append", over).start(),
                "Linux passes no longer argument");
        Files.writeString(conf, Files.readString(conf).replace(most, over));
        var refused = QuickstartEndToEndTest.cli("run", conf.toString());
        assertEquals(2, refused.code(), refused.err());
        assertTrue(refused.err().startsWith("epapr-lab: " + conf + ":6: vm.bootargs: 131072 bytes; a ppce500 VM takes at most 131071"),
                refused.err());

        Path epapr = Files.writeString(dir.resolve("epapr.conf"), "vm {\n  name = e\n  image = \"" + kernel
                + "\"\n  bootargs = \"" + "x".repeat(2_000_000) + "\"\n}\n");
        var crashed = QuickstartEndToEndTest.cli("run", epapr.toString());
        assertEquals(2, crashed.code(), crashed.out() + crashed.err());
        assertTrue(crashed.err().startsWith("epapr-lab: " + epapr + ":4: vm.bootargs: 2000000 bytes do not fit") &&
                crashed.err().contains("at most ") && crashed.err().strip().lines().count() == 1, crashed.err());
    }

    private static String fdtget(Path dtb) throws Exception {
        Process p = new ProcessBuilder("fdtget", "-t", "s", dtb.toString(), "/chosen", "bootargs").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
