package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
