package epaprlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.testsupport.OutsideTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code epapr-lab dtb} writes the blob the guest gets; the real dtc decodes it. */
class DtbCommandTest {
    @TempDir Path dir;

    private String dtc(byte[] blob) throws IOException, InterruptedException {
        Path f = dir.resolve("vm.dtb");
        Files.write(f, blob);
        return OutsideTool.DTC.run("-q", "-I", "dtb", "-O", "dts", f.toString()).timeout(Duration.ofSeconds(30)).output();
    }

    @Test
    void dtbOfTheHelloVmDecodesWithDtc() throws Exception {
        var r = QuickstartEndToEndTest.cli("dtb", "../../sample-vms/hello-64.conf", "--boot", "2", "--reason", "guest-reset");
        assertEquals(0, r.code(), r.err());
        String dts = dtc(r.rawOut());
        for (String expected : List.of(
                "compatible = \"linux,kvm\\0epapr,hypervisor-1\";",
                "hcall-instructions = <0x44000022>;",
                "guest-name = \"hello-64\";",
                "kvm,has-reset;",
                "kvm,has-shutdown;",
                "epapr-lab,boot-count = <0x02>;",
                "epapr-lab,reset-reason = \"guest-reset\";",
                "compatible = \"PowerPC,e5500\";",
                "stdout-path = \"/hypervisor/handles/byte-channel@0\";")) {
            assertTrue(dts.contains(expected), "missing: " + expected + "\n" + dts);
        }
        assertTrue(dts.contains("epapr-lab,has-result;"), "the result hypercall is on by default");
    }

    @Test
    void aLabNeedsVm() {
        var r = QuickstartEndToEndTest.cli("dtb", "../../sample-vms/quickstart.conf");
        assertEquals(ExitCode.BAD_INPUT.code(), r.code());
        assertTrue(r.err().contains("choose one with --vm (hello-32, hello-64, reset-loop-32, reset-loop-64)"), r.err());
        var ok = QuickstartEndToEndTest.cli("dtb", "../../sample-vms/quickstart.conf", "--vm", "reset-loop-32");
        assertEquals(0, ok.code(), ok.err());
    }
}
