package epaprlab.machine.fdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import epaprlab.machine.boot.GzipImage;
import epaprlab.machine.boot.Ppce500Layout;
import epaprlab.machine.boot.Ppce500Layout.ImageFile;
import epaprlab.machine.boot.ResetReason;
import epaprlab.machine.fdt.Ppce500TreeSpec.Range;
import epaprlab.ppc.cpu.CpuModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our ppce500 device tree against the one QEMU 7.2 dumps for the same options, decoded by dtc
 * and compared node by node. Allowed differences, and only these: the contents of
 * {@code /chosen/rng-seed} (random in QEMU), our {@code /chosen/epapr-lab,*} properties and our
 * {@code /hypervisor} node.
 */
@Timeout(120)
class Ppce500TreeVsQemuTest {
    private static final Path HELLO = Path.of("../../sample-vms/images/hello-e500mc.elf");

    record Case(String name, CpuModel cpu, long ramMiB, int vcpus, boolean bios, boolean kernel, boolean initrd, String bootargs) {
        @Override public String toString() { return name; }
    }

    static List<Case> cases() {
        return List.of(
                new Case("u-boot", CpuModel.E500MC, 256, 1, true, false, false, ""),
                new Case("u-boot-smp2", CpuModel.E500MC, 256, 2, true, false, false, ""),
                new Case("u-boot-smp4-512m", CpuModel.E500MC, 512, 4, true, false, false, ""),
                new Case("kernel-initrd-append", CpuModel.E500MC, 256, 1, false, true, true, "console=ttyS0 quiet"),
                new Case("kernel-smp2-128m", CpuModel.E500MC, 128, 2, false, true, false, ""),
                new Case("u-boot-plus-raw-kernel", CpuModel.E500MC, 256, 1, true, true, true, "root=/dev/ram"),
                new Case("e5500-u-boot-smp2", CpuModel.E5500, 256, 2, true, false, false, ""),
                // RAM above 1 GiB: /memory holds all of it, past 4 GiB too (reg's size cells 0x1 0x40000000)
                new Case("u-boot-4g", CpuModel.E500MC, 4096, 1, true, false, false, ""),
                new Case("e5500-kernel-initrd-5g", CpuModel.E5500, 5120, 2, false, true, true, "console=ttyS0"));
    }

    @ParameterizedTest @MethodSource("cases")
    void sameTreeAsQemu(Case c, @TempDir Path dir) throws Exception {
        Path initrd = Files.write(dir.resolve("initrd.bin"), "an initrd of 23 bytes...".substring(0, 23).getBytes());
        List<String> qemu = new ArrayList<>(List.of("-cpu", c.cpu().configName(), "-m", String.valueOf(c.ramMiB()),
                "-smp", String.valueOf(c.vcpus())));
        if (c.bios()) qemu.addAll(List.of("-bios", QemuPpce500.UBOOT.toString()));
        if (c.kernel()) qemu.addAll(List.of("-kernel", HELLO.toString()));
        if (c.initrd()) qemu.addAll(List.of("-initrd", initrd.toString()));
        if (!c.bootargs().isEmpty()) qemu.addAll(List.of("-append", c.bootargs()));
        // dumpdtb writes the tree QEMU builds before boot 1; the guest's (ours) has the next three
        // phandles (UbootBootTest reads them at boot 1 and 2 under QEMU)
        String theirs = shiftPhandles(Dtc.decompile(QemuPpce500.dumpDtb(dir, c.cpu().has64Bit(), qemu), dir));

        Ppce500Layout layout = Ppce500Layout.place(c.cpu(), c.ramMiB() << 20,
                c.bios() ? Optional.of(file(QemuPpce500.UBOOT)) : Optional.empty(),
                c.kernel() ? Optional.of(file(HELLO)) : Optional.empty(),
                c.initrd() ? Optional.of(file(initrd)) : Optional.empty());
        byte[] blob = ours(c, layout, 1);
        assertSameTree(theirs, blob, dir);
        Fdt read = FdtReader.read(blob);
        assertEquals(Ppce500Layout.DTB_SIZE, read.header().totalSize(), "QEMU hands over a 1 MiB blob");
        assertTrue(read.reservations().isEmpty(), "QEMU's reservation block is empty");
    }

    /** Our blob for boot {@code bootCount} of case {@code c}. */
    private static byte[] ours(Case c, Ppce500Layout layout, int bootCount) {
        Ppce500TreeSpec spec = new Ppce500TreeSpec("vm", 3, c.vcpus(), c.ramMiB() << 20, c.bootargs(),
                true, true, false, true, bootCount, ResetReason.POWER_ON,
                layout.initrdSpan().map(s -> new Range(s.start(), s.size())),
                layout.bootKernel().map(s -> new Range(s.start(), s.size())), new byte[32]);
        return FdtWriter.writePadded(Ppce500TreeBuilder.build(spec), 0, Ppce500Layout.DTB_SIZE);
    }

    /** QEMU's decoded tree against our blob, node by node, but for the allowed differences. */
    private static void assertSameTree(String theirs, byte[] blob, Path dir) throws Exception {
        String ours = Dtc.decompile(blob, dir);
        Map<String, Map<String, String>> q = DtsTree.parse(theirs), o = DtsTree.parse(ours);
        assertTrue(q.get("/chosen").containsKey("rng-seed"), "QEMU's tree has an rng-seed");
        o.get("/chosen").put("rng-seed", q.get("/chosen").get("rng-seed"));
        Map<String, String> hypervisor = o.remove("/hypervisor");
        assertEquals("\"linux,kvm\\0epapr,hypervisor-1\"", hypervisor.get("compatible"));
        assertTrue(hypervisor.containsKey("kvm,has-reset") && hypervisor.containsKey("kvm,has-shutdown"));
        assertEquals("<0x01>", o.get("/chosen").remove("epapr-lab,boot-count"));
        assertEquals("\"power-on\"", o.get("/chosen").remove("epapr-lab,reset-reason"));
        assertEquals(new TreeSet<>(q.keySet()), new TreeSet<>(o.keySet()), "node paths");
        for (String node : q.keySet()) {
            assertEquals(new TreeMap<>(q.get(node)), new TreeMap<>(o.get(node)), "properties of " + node);
        }
    }

    /**
     * The tree in QEMU's guest RAM at boot 1 (not the dump): the same as ours for boot 1, phandles
     * included, byte for byte in every node but the allowed differences.
     */
    @Test
    void sameTreeAsQemuGivesBootOne(@TempDir Path dir) throws Exception {
        Case c = new Case("kernel-smp2", CpuModel.E500MC, 256, 2, false, true, false, "console=ttyS0");
        Ppce500Layout layout = Ppce500Layout.place(c.cpu(), c.ramMiB() << 20, Optional.empty(), Optional.of(file(HELLO)),
                Optional.empty());
        String theirs = Dtc.decompile(QemuPpce500.guestDtb(dir, false, List.of("-cpu", "e500mc", "-m", "256", "-smp", "2",
                "-kernel", HELLO.toString(), "-append", c.bootargs()), layout.dtbAddress()), dir);
        assertTrue(theirs.contains("phandle = <0x8006>"), "QEMU's guest sees MPIC phandle 0x8006 at boot 1:\n" + theirs);
        assertSameTree(theirs, ours(c, layout, 1), dir);
    }

    /** QEMU's phandles 0x8003..0x8005 (MPIC, MSI, GPIO) as boot 1 sees them: 0x8006..0x8008. */
    private static String shiftPhandles(String dts) {
        assertTrue(dts.contains("phandle = <0x8003>"), "QEMU's dumped MPIC phandle is 0x8003:\n" + dts);
        return java.util.regex.Pattern.compile("\\b0x800([345])\\b").matcher(dts)
                .replaceAll(m -> "0x800" + (Integer.parseInt(m.group(1)) + 3));
    }

    private static ImageFile file(Path p) throws Exception {
        return new ImageFile(p, GzipImage.inflateIfGzip(p, Files.readAllBytes(p), Integer.MAX_VALUE));
    }
}
